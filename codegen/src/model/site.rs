//! Where a schema is written, read from its pointer: the one classifier behind the names of
//! inline types (`{Operation}Body`, `VideoDetailsStreamingPlaylists`) and the sentences that
//! describe them ("The `state` property of [`ChangeOwnership`].").

/// The part of the document a schema belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site<'t> {
    /// `#/components/schemas/{name}`
    ComponentSchema(&'t str),
    /// `#/components/parameters/{name}/schema`
    ComponentParameter(&'t str),
    /// `#/paths/{path}/parameters/{index}/schema`: a parameter of every operation on the path.
    PathParameter { path: &'t str, index: &'t str },
    /// `#/paths/{path}/{method}/parameters/{index}/schema`
    OperationParameter {
        path: &'t str,
        method: &'t str,
        index: &'t str,
    },
    /// `#/paths/{path}/{method}/requestBody/content/{media type}/schema`
    RequestBody { path: &'t str, method: &'t str },
    /// `#/paths/{path}/{method}/responses/{status}/content/{media type}/schema`
    Response {
        path: &'t str,
        method: &'t str,
        status: &'t str,
    },
    /// `#/paths/{path}/{method}/responses/{status}/headers/{header}/schema`
    ResponseHeader {
        path: &'t str,
        method: &'t str,
        status: &'t str,
        header: &'t str,
    },
    /// Some other part of an operation (the part's kind, such as `callbacks`, is dropped).
    Operation { path: &'t str, method: &'t str },
    /// Anywhere else.
    Elsewhere,
}

/// A schema's site, and the way from there to the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'t> {
    pub site: Site<'t>,
    /// The pointer's tokens after the site (all of them for [`Site::Elsewhere`]).
    pub rest: &'t [String],
}

/// Where the schema at the pointer with these tokens is written.
pub fn locate(tokens: &[String]) -> Located<'_> {
    let (site, rest) = match tokens {
        [c, s, name, rest @ ..] if c == "components" && s == "schemas" => {
            (Site::ComponentSchema(name), rest)
        }
        [c, p, name, s, rest @ ..] if c == "components" && p == "parameters" && s == "schema" => {
            (Site::ComponentParameter(name), rest)
        }
        [p, path, kind, index, s, rest @ ..]
            if p == "paths" && kind == "parameters" && s == "schema" =>
        {
            (Site::PathParameter { path, index }, rest)
        }
        [p, path, method, kind, rest @ ..] if p == "paths" => match (kind.as_str(), rest) {
            ("parameters", [index, s, rest @ ..]) if s == "schema" => (
                Site::OperationParameter {
                    path,
                    method,
                    index,
                },
                rest,
            ),
            ("requestBody", [c, _, s, rest @ ..]) if c == "content" && s == "schema" => {
                (Site::RequestBody { path, method }, rest)
            }
            ("responses", [status, c, _, s, rest @ ..]) if c == "content" && s == "schema" => (
                Site::Response {
                    path,
                    method,
                    status,
                },
                rest,
            ),
            ("responses", [status, h, header, s, rest @ ..]) if h == "headers" && s == "schema" => {
                (
                    Site::ResponseHeader {
                        path,
                        method,
                        status,
                        header,
                    },
                    rest,
                )
            }
            (_, rest) => (Site::Operation { path, method }, rest),
        },
        tokens => (Site::Elsewhere, tokens),
    };
    Located { site, rest }
}

/// One step from a schema into a schema inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'t> {
    /// `properties/{name}`
    Property(&'t str),
    /// `items`
    Item,
    /// `additionalProperties`
    Value,
    /// `oneOf/{index}` (`exclusive`) or `anyOf/{index}`; `index` is `None` when the token
    /// after it is not one.
    Variant {
        index: Option<usize>,
        exclusive: bool,
    },
    /// Any other token.
    Other(&'t str),
}

/// The steps `tokens` take from one schema to another (`allOf/{index}` is no step: the
/// members of an `allOf` are one schema).
pub fn steps(tokens: &[String]) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    let mut tokens = tokens.iter();
    while let Some(token) = tokens.next() {
        match token.as_str() {
            "properties" => steps.extend(tokens.next().map(|name| Step::Property(name))),
            "items" => steps.push(Step::Item),
            "additionalProperties" => steps.push(Step::Value),
            "allOf" => {
                tokens.next();
            }
            "oneOf" | "anyOf" => steps.push(Step::Variant {
                index: tokens.next().and_then(|i| i.parse().ok()),
                exclusive: token == "oneOf",
            }),
            other => steps.push(Step::Other(other)),
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::Pointer;

    fn tokens(pointer: &str) -> Vec<String> {
        Pointer::from_ref(pointer).unwrap().tokens().collect()
    }

    #[test]
    fn sites() {
        let get = "#/paths/~1videos~1{id}/get";
        let table = [
            (
                "#/components/schemas/Video/properties/state".to_owned(),
                Site::ComponentSchema("Video"),
                2,
            ),
            (
                "#/components/parameters/sort/schema".to_owned(),
                Site::ComponentParameter("sort"),
                0,
            ),
            (
                "#/paths/~1videos~1{id}/parameters/0/schema/items".to_owned(),
                Site::PathParameter {
                    path: "/videos/{id}",
                    index: "0",
                },
                1,
            ),
            (
                format!("{get}/parameters/1/schema"),
                Site::OperationParameter {
                    path: "/videos/{id}",
                    method: "get",
                    index: "1",
                },
                0,
            ),
            (
                format!("{get}/requestBody/content/application~1json/schema/properties/a"),
                Site::RequestBody {
                    path: "/videos/{id}",
                    method: "get",
                },
                2,
            ),
            (
                format!("{get}/responses/200/content/application~1json/schema"),
                Site::Response {
                    path: "/videos/{id}",
                    method: "get",
                    status: "200",
                },
                0,
            ),
            (
                format!("{get}/responses/200/headers/X-Total/schema"),
                Site::ResponseHeader {
                    path: "/videos/{id}",
                    method: "get",
                    status: "200",
                    header: "X-Total",
                },
                0,
            ),
            (
                format!("{get}/callbacks/done"),
                Site::Operation {
                    path: "/videos/{id}",
                    method: "get",
                },
                1,
            ),
            ("#/x-schemas/A".to_owned(), Site::Elsewhere, 2),
        ];
        for (pointer, site, rest) in table {
            let tokens = tokens(&pointer);
            let located = locate(&tokens);
            assert_eq!(
                (located.site, located.rest.len()),
                (site, rest),
                "{pointer}"
            );
        }
    }

    #[test]
    fn steps_skip_all_of_members() {
        let tokens =
            tokens("#/a/allOf/1/properties/channel/items/oneOf/0/additionalProperties/anyOf/x/not");
        assert_eq!(
            steps(&tokens),
            [
                Step::Other("a"),
                Step::Property("channel"),
                Step::Item,
                Step::Variant {
                    index: Some(0),
                    exclusive: true
                },
                Step::Value,
                Step::Variant {
                    index: None,
                    exclusive: false
                },
                Step::Other("not"),
            ]
        );
    }
}

//! An in-process server that behaves like PeerTube for its login routes: the local OAuth client,
//! the token endpoint (form checked strictly, PeerTube's problem documents on failure), and an
//! authenticated video list.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CLIENT_ID: &str = "v1ikx5hnfop4mdpnci8nsqh93c45rldf";
pub const CLIENT_SECRET: &str = "AjWiOapPltI6EnsWQwlFarRtLh4u8tDt";

/// A user the server knows.
#[derive(Clone)]
pub struct User {
    pub username: &'static str,
    pub password: &'static str,
    /// The one-time password expected for a user with two-factor authentication.
    pub otp: Option<&'static str>,
}

#[derive(Default)]
pub struct State {
    users: Vec<User>,
    /// Valid access tokens, and whether each has expired.
    access: BTreeMap<String, bool>,
    refresh: Vec<String>,
    issued: usize,
    pub refreshes: usize,
    pub password_grants: usize,
    /// Every request of the token endpoint, whatever its outcome.
    pub token_requests: usize,
    /// Whether refresh grants are refused (`400 invalid_grant`), as for a revoked token.
    pub refuse_refresh: bool,
    pub video_requests: usize,
    /// `expires_in` sent with new tokens.
    pub expires_in: i64,
    /// Every error the strict form check found (a test asserts none happened).
    pub form_errors: Vec<String>,
}

impl State {
    fn issue(&mut self) -> Value {
        self.issued += 1;
        let access = format!("access-{}", self.issued);
        let refresh = format!("refresh-{}", self.issued);
        self.access.insert(access.clone(), false);
        self.refresh.push(refresh.clone());
        json!({
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.expires_in,
            "refresh_token_expires_in": 1209600
        })
    }

    /// Marks every access token issued so far as expired.
    pub fn expire_access_tokens(&mut self) {
        for expired in self.access.values_mut() {
            *expired = true;
        }
    }
}

/// PeerTube's error body.
fn problem(status: u16, code: &str, detail: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/problem+json; charset=utf-8")
        .set_body_string(
            json!({
                "type": format!("https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/{code}"),
                "status": status,
                "title": if status == 400 { "Bad Request" } else { "Unauthorized" },
                "detail": detail,
                "code": code
            })
            .to_string(),
        )
}

struct Token(Arc<Mutex<State>>);

impl Respond for Token {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        state.token_requests += 1;
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok());
        if content_type != Some("application/x-www-form-urlencoded") {
            state
                .form_errors
                .push(format!("content type {content_type:?}"));
            return problem(400, "invalid_request", "expected a form");
        }
        let pairs: Vec<(String, String)> = form_urlencoded_pairs(&request.body);
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in &pairs {
            if fields.insert(key.clone(), value.clone()).is_some() {
                state.form_errors.push(format!("`{key}` sent twice"));
                return problem(400, "invalid_request", "a field is repeated");
            }
        }
        let field = |name: &str| fields.get(name).map(String::as_str);
        if field("client_id") != Some(CLIENT_ID) || field("client_secret") != Some(CLIENT_SECRET) {
            return problem(400, "invalid_client", "Invalid client: client is invalid");
        }
        let allowed: &[&str] = match field("grant_type") {
            Some("password") => &[
                "grant_type",
                "client_id",
                "client_secret",
                "username",
                "password",
            ],
            Some("refresh_token") => &["grant_type", "client_id", "client_secret", "refresh_token"],
            other => {
                state.form_errors.push(format!("grant_type {other:?}"));
                return problem(400, "unsupported_grant_type", "Unsupported grant type");
            }
        };
        if let Some(extra) = fields.keys().find(|k| !allowed.contains(&k.as_str())) {
            state
                .form_errors
                .push(format!("unexpected field `{extra}`"));
            return problem(400, "invalid_request", "unexpected field");
        }
        match field("grant_type") {
            Some("password") => {
                state.password_grants += 1;
                let user = state
                    .users
                    .iter()
                    .find(|u| {
                        Some(u.username) == field("username")
                            && Some(u.password) == field("password")
                    })
                    .cloned();
                let Some(user) = user else {
                    return problem(
                        400,
                        "invalid_grant",
                        "Invalid grant: user credentials are invalid",
                    );
                };
                if let Some(expected) = user.otp {
                    let otp = request
                        .headers
                        .get("x-peertube-otp")
                        .and_then(|v| v.to_str().ok());
                    match otp {
                        None => {
                            return problem(401, "missing_two_factor", "Missing two factor header")
                                .insert_header("x-peertube-otp", "required; app");
                        }
                        Some(otp) if otp != expected => {
                            return problem(
                                400,
                                "invalid_grant",
                                "Invalid grant: invalid two factor",
                            );
                        }
                        Some(_) => {}
                    }
                }
                ResponseTemplate::new(200).set_body_json(state.issue())
            }
            _ => {
                let refresh = field("refresh_token").unwrap_or_default().to_owned();
                if !state.refresh.contains(&refresh) || state.refuse_refresh {
                    return problem(
                        400,
                        "invalid_grant",
                        "Invalid grant: refresh token is invalid",
                    );
                }
                state.refresh.retain(|r| *r != refresh);
                state.refreshes += 1;
                ResponseTemplate::new(200).set_body_json(state.issue())
            }
        }
    }
}

struct Videos {
    state: Arc<Mutex<State>>,
    body: Value,
}

impl Respond for Videos {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        state.video_requests += 1;
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match token.and_then(|t| state.access.get(t)) {
            None => problem(
                401,
                "invalid_token",
                "Invalid token: access token is invalid",
            ),
            Some(true) => problem(
                401,
                "invalid_token",
                "Invalid token: access token has expired",
            ),
            Some(false) => ResponseTemplate::new(200).set_body_json(self.body.clone()),
        }
    }
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).expect("a form body")
}

/// Starts the server, with these users; `videos` is the body of `GET /api/v1/users/me/videos`
/// and `GET /api/v1/videos` for an authenticated user.
pub async fn start(users: Vec<User>, videos: Value) -> (MockServer, Arc<Mutex<State>>) {
    let server = MockServer::start().await;
    let state = Arc::new(Mutex::new(State {
        users,
        expires_in: 86400,
        ..State::default()
    }));
    Mock::given(method("GET"))
        .and(path("/api/v1/oauth-clients/local"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/token"))
        .respond_with(Token(state.clone()))
        .mount(&server)
        .await;
    for route in ["/api/v1/videos", "/api/v1/users/me/videos"] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(Videos {
                state: state.clone(),
                body: videos.clone(),
            })
            .mount(&server)
            .await;
    }
    (server, state)
}

//! Lists answered page by page (`start`, `count` → `{ total, data }`) as one stream of items.

use std::future::Future;

use futures_util::StreamExt;
use futures_util::stream::{self, Stream};

use super::error::{Error, OperationInfo};

/// A stream of the items of every page, fetched lazily from `start`: the next page is
/// requested when the items of the previous one are used up. It ends after the item numbered
/// `total`, on an empty page, or after an error (which it yields). A page equal to the one
/// before it is such an error ([`Error::PageRepeated`]): the server ignores `start`, and the
/// stream would otherwise go on forever (or to `total`, repeating the first page).
pub(crate) fn paginate<T, F, Fut>(
    operation: &'static OperationInfo,
    start: i64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Clone + PartialEq + Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Option<i64>, Vec<T>), Error>> + Send + 'static,
{
    struct State<T, F> {
        next: i64,
        fetch: F,
        previous: Vec<T>,
        done: bool,
    }
    let state = State {
        next: start.max(0),
        fetch,
        previous: Vec::new(),
        done: false,
    };
    stream::unfold(state, move |mut state| async move {
        if state.done {
            return None;
        }
        let page = match (state.fetch)(state.next).await {
            Ok((_, items)) if !items.is_empty() && items == state.previous => {
                state.done = true;
                vec![Err(Error::PageRepeated {
                    operation,
                    start: state.next,
                })]
            }
            Ok((total, items)) => {
                state.next += items.len() as i64;
                state.done = items.is_empty() || total.is_some_and(|total| state.next >= total);
                state.previous.clone_from(&items);
                items.into_iter().map(Ok).collect::<Vec<_>>()
            }
            Err(error) => {
                state.done = true;
                vec![Err(error)]
            }
        };
        Some((stream::iter(page), state))
    })
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    static OP: OperationInfo = OperationInfo {
        name: "get_things",
        method: "GET",
        path: "/api/v1/things",
        responses: &[],
    };

    #[tokio::test]
    async fn pages_are_fetched_until_total() {
        let starts = Arc::new(Mutex::new(Vec::new()));
        let seen = starts.clone();
        let items: Vec<i64> = paginate(&OP, 0, move |start| {
            seen.lock().unwrap().push(start);
            async move {
                let page: Vec<i64> = (start..(start + 2).min(5)).collect();
                Ok((Some(5), page))
            }
        })
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(items, [0, 1, 2, 3, 4]);
        assert_eq!(*starts.lock().unwrap(), [0, 2, 4]);
    }

    #[tokio::test]
    async fn an_empty_page_ends_the_stream() {
        let items: Vec<Result<i64, Error>> = paginate(&OP, 0, |start| async move {
            Ok((None, if start == 0 { vec![7] } else { vec![] }))
        })
        .collect()
        .await;
        assert_eq!(items.len(), 1);
    }

    #[tokio::test]
    async fn a_repeated_page_ends_the_stream_with_an_error() {
        let fetched = Arc::new(Mutex::new(0));
        let count = fetched.clone();
        let items: Vec<Result<i64, Error>> = paginate(&OP, 0, move |_| {
            *count.lock().unwrap() += 1;
            async { Ok((None, vec![1, 2])) }
        })
        .collect()
        .await;
        assert_eq!(items.len(), 3);
        assert!(matches!(
            items[2],
            Err(Error::PageRepeated { start: 2, .. })
        ));
        assert_eq!(*fetched.lock().unwrap(), 2);
    }
}

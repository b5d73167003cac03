//! Lists answered page by page (`start`, `count` → `{ total, data }`) as one stream of items.

use std::future::Future;

use futures_util::StreamExt;
use futures_util::stream::{self, Stream};

use super::error::Error;

/// A stream of the items of every page, fetched lazily from `start`: the next page is
/// requested when the items of the previous one are used up. It ends after the item numbered
/// `total`, on an empty page, or after an error (which it yields).
pub(crate) fn paginate<T, F, Fut>(
    start: i64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Option<i64>, Vec<T>), Error>> + Send + 'static,
{
    struct State<F> {
        next: i64,
        fetch: F,
        done: bool,
    }
    let state = State {
        next: start.max(0),
        fetch,
        done: false,
    };
    stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        let page = match (state.fetch)(state.next).await {
            Ok((total, items)) => {
                state.next += items.len() as i64;
                state.done = items.is_empty() || total.is_some_and(|total| state.next >= total);
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

    #[tokio::test]
    async fn pages_are_fetched_until_total() {
        let starts = Arc::new(Mutex::new(Vec::new()));
        let seen = starts.clone();
        let items: Vec<i64> = paginate(0, move |start| {
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
        let items: Vec<Result<i64, Error>> = paginate(0, |start| async move {
            Ok((None, if start == 0 { vec![7] } else { vec![] }))
        })
        .collect()
        .await;
        assert_eq!(items.len(), 1);
    }
}

//! Lists answered page by page (`start`, `count` → `{ total, data }`) as one stream of items.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::Stream;

use super::error::{Error, OperationInfo};
use super::pending::Pending;

/// The items of a paginated list, page after page, as the `stream` method of its request
/// gives them. Boxed, so it is `Unpin`: `while let Some(item) = items.next().await` works as
/// it is, with [`StreamExt`](futures_util::StreamExt) in scope (re-exported by this crate).
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// A stream of the items of every page, fetched lazily from `start`: `fetch(start)` requests
/// the page from `start` when the items of the previous one are used up, and `split` takes the
/// page's `total` (if any) and items out of its answer. The stream ends after the item numbered
/// `total`, on an empty page, or after an error (which it yields). A page the same as the one
/// before it, byte for byte, is such an error ([`Error::PageRepeated`]): the server ignores
/// `start`, and the stream would otherwise go on forever (or to `total`, repeating the first
/// page).
pub(crate) fn paginate<R, T>(
    start: i64,
    fetch: impl FnMut(i64) -> Pending<R> + Send + 'static,
    split: fn(R) -> (Option<i64>, Vec<T>),
) -> ItemStream<T>
where
    R: 'static,
    T: Send + 'static,
{
    Box::pin(Pages {
        fetch: Box::new(fetch),
        split,
        page: None,
        items: Vec::new().into_iter(),
        progress: Progress {
            next: start.max(0),
            previous: None,
            done: false,
        },
    })
}

struct Pages<R, T> {
    fetch: Box<dyn FnMut(i64) -> Pending<R> + Send>,
    split: fn(R) -> (Option<i64>, Vec<T>),
    /// The page being fetched.
    page: Option<Pending<R>>,
    /// The items of the last page not yet yielded.
    items: std::vec::IntoIter<T>,
    progress: Progress,
}

// Nothing in `Pages` is pinned structurally: `page` is polled through `Pending`, which is
// `Unpin`, and the items are only moved out.
impl<R, T> Unpin for Pages<R, T> {}

/// Where the stream is, apart from the types of its pages.
struct Progress {
    /// The `start` of the next page.
    next: i64,
    /// The body of the last page.
    previous: Option<Bytes>,
    done: bool,
}

impl Progress {
    /// Takes in a page of `count` items and its body: an error if it repeats the page before.
    fn advance(
        &mut self,
        operation: &'static OperationInfo,
        body: Bytes,
        total: Option<i64>,
        count: usize,
    ) -> Result<(), Error> {
        let repeated = count > 0 && self.previous.as_ref() == Some(&body);
        self.previous = Some(body);
        if repeated {
            self.done = true;
            return Err(Error::PageRepeated {
                operation,
                start: self.next,
            });
        }
        self.next += count as i64;
        self.done = count == 0 || total.is_some_and(|total| self.next >= total);
        Ok(())
    }
}

impl<R, T> Stream for Pages<R, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.progress.done {
                return Poll::Ready(None);
            }
            let next = this.progress.next;
            let fetch = &mut this.fetch;
            let page = this.page.get_or_insert_with(|| fetch(next));
            let received = match page.poll_received(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(received) => received,
            };
            let read = received.and_then(|received| {
                let (operation, body) = (received.operation, received.bytes.clone());
                Ok((operation, body, page.read(received)?))
            });
            this.page = None;
            let (operation, body, answer) = match read {
                Ok(read) => read,
                Err(error) => {
                    this.progress.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
            };
            let (total, items) = (this.split)(answer);
            if let Err(error) = this.progress.advance(operation, body, total, items.len()) {
                return Poll::Ready(Some(Err(error)));
            }
            this.items = items.into_iter();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::response::Received;
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    static OP: OperationInfo = OperationInfo {
        name: "get_things",
        method: "GET",
        path: "/api/v1/things",
        responses: &[],
    };

    /// A page answered at once with `items` as its JSON body.
    fn page(items: &[i64]) -> Pending<Vec<i64>> {
        Pending::ready(
            Ok(Received {
                operation: &OP,
                status: 200,
                bytes: serde_json::to_vec(items).unwrap().into(),
                secret_fields: &[],
            }),
            Received::decode,
        )
    }

    #[tokio::test]
    async fn pages_are_fetched_until_total() {
        let starts = Arc::new(Mutex::new(Vec::new()));
        let seen = starts.clone();
        let fetch = move |start: i64| {
            seen.lock().unwrap().push(start);
            let items: Vec<i64> = (start..(start + 2).min(5)).collect();
            page(&items)
        };
        let items: Vec<i64> = paginate(0, fetch, |items| (Some(5), items))
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(items, [0, 1, 2, 3, 4]);
        assert_eq!(*starts.lock().unwrap(), [0, 2, 4]);
    }

    #[tokio::test]
    async fn an_empty_page_ends_the_stream() {
        let fetch = |start| if start == 0 { page(&[7]) } else { page(&[]) };
        let items: Vec<Result<i64, Error>> =
            paginate(0, fetch, |items| (None, items)).collect().await;
        assert_eq!(items.len(), 1);
    }

    #[tokio::test]
    async fn a_repeated_page_ends_the_stream_with_an_error() {
        let fetched = Arc::new(Mutex::new(0));
        let count = fetched.clone();
        let fetch = move |_| {
            *count.lock().unwrap() += 1;
            page(&[1, 2])
        };
        let items: Vec<Result<i64, Error>> =
            paginate(0, fetch, |items| (None, items)).collect().await;
        assert_eq!(items.len(), 3);
        assert!(matches!(
            items[2],
            Err(Error::PageRepeated { start: 2, .. })
        ));
        assert_eq!(*fetched.lock().unwrap(), 2);
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let fetch = |start| match start {
            0 => page(&[1]),
            _ => Pending::ready(
                Err(Error::Auth {
                    message: "no".to_owned(),
                }),
                Received::decode,
            ),
        };
        let items: Vec<Result<i64, Error>> =
            paginate(0, fetch, |items| (None, items)).collect().await;
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1], Err(Error::Auth { .. })));
    }
}

//! Support code the generated modules share. Written by hand (in the generator's
//! `codegen/runtime/`) and copied into every generated crate.

// Each document uses part of the runtime: one without multipart bodies, say, leaves that
// code unused. The runtime's own tests exercise all of it.
#![allow(dead_code)]

pub(crate) mod call;
pub(crate) mod client;
pub(crate) mod download;
pub(crate) mod error;
#[cfg(test)]
pub(crate) mod examples;
pub(crate) mod file;
pub(crate) mod http;
pub(crate) mod json;
pub(crate) mod multipart;
pub(crate) mod open_enum;
pub(crate) mod pagination;
pub(crate) mod pending;
pub(crate) mod response;
pub(crate) mod secret;
pub(crate) mod ser;
pub(crate) mod session;
pub(crate) mod untagged;
pub(crate) mod upload;

/// A boxed future of a result: what the methods that are not a plain call return through
/// `IntoFuture` (the plain calls are a [`pending::Pending`]).
pub(crate) type Boxed<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, error::Error>> + Send>>;

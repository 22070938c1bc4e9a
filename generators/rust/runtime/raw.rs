//! The raw answer of a successful call: `client.with_raw_response()` gives the same resources
//! and methods as the client, each returning a [`RawResponse`] (the typed value, the HTTP
//! status, the answer's headers and the gateway's request id) from the one request it sends.

use std::fmt;

/// A successful call's typed value with its HTTP answer: what `client.with_raw_response()`'s
/// methods return.
///
/// ```no_run
/// # fn demo(client: &agenttrustid::AgentTrustClient) -> agenttrustid::Result<()> {
/// let raw = client.with_raw_response().agents().get("agt_123")?;
/// println!("{} {:?}", raw.status_code(), raw.request_id());
/// let agent = raw.parse();
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RawResponse<T> {
    pub(crate) data: T,
    pub(crate) status: u16,
    pub(crate) headers: Headers,
    pub(crate) request_id: Option<String>,
}

impl<T> RawResponse<T> {
    /// The typed value (already decoded and checked; no second request).
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The typed value, consuming the response (`parse()` in the other SDKs' spelling).
    pub fn parse(self) -> T {
        self.data
    }

    /// The typed value, consuming the response.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The HTTP status of the answer (200 for an answer served from the client's token cache).
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// The answer's headers (empty for an answer served from the client's token cache).
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The gateway's id of the request: the `X-Request-Id` answer header, `None` when the
    /// gateway sent none.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The same response around another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> RawResponse<U> {
        RawResponse {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for RawResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("headers", &self.headers)
            .field("data", &self.data)
            .finish()
    }
}

/// The headers of an answer, names case-insensitive. Values that are not visible ASCII are
/// skipped by [`get`](Self::get) and [`iter`](Self::iter).
#[derive(Clone, Default)]
pub struct Headers(pub(crate) reqwest::header::HeaderMap);

impl Headers {
    /// The first value of the header `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of the header `name`, in order.
    pub fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .get_all(name)
            .into_iter()
            .filter_map(|v| v.to_str().ok())
    }

    /// Every header as (lower-case name, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
    }

    /// How many header values there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Header names only: an answer's header may carry a cookie or a token.
impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// The mode of a resource that returns the typed value (the default: `client.agents()`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Typed;

/// The mode of a resource that returns a [`RawResponse`] (`client.with_raw_response().agents()`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Raw;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Typed {}
    impl Sealed for super::Raw {}
}

/// What a resource's methods return: [`Typed`] values or [`Raw`] responses. Sealed.
pub trait Mode: sealed::Sealed + Copy + fmt::Debug {
    /// Whether the answer's headers are kept.
    #[doc(hidden)]
    const RAW: bool;
}

impl Mode for Typed {
    const RAW: bool = false;
}

impl Mode for Raw {
    const RAW: bool = true;
}

/// The client's resources and operations, each returning a [`RawResponse`]:
/// `client.with_raw_response().agents().create(&body)?`. Borrowed from the client.
#[derive(Debug, Clone, Copy)]
pub struct RawClient<'a> {
    pub(crate) client: &'a crate::AgentTrustClient,
}

impl crate::AgentTrustClient {
    /// The same operations, returning the HTTP status, headers and request id beside the typed
    /// value ([`RawResponse`]), from the one request each sends.
    pub fn with_raw_response(&self) -> RawClient<'_> {
        RawClient { client: self }
    }
}

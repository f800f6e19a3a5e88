//! Mock HTTP servers on wiremock, for the HTTP challenges: pages with a status, a content type (or
//! none), a body and a delay, on `127.0.0.1:<random>`.
//!
//! wiremock runs its server on its own runtime, so a check's paused clock does not reach it: HTTP
//! checks run on a real clock ([`crate::real`]) with delays of tens of milliseconds.

use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A scripted HTTP server.
pub struct MockHttp {
    server: MockServer,
}

/// One scripted response.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    /// `None` sends no Content-Type header at all.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Page {
    /// A 200 page with this content type and body, sent at once.
    pub fn new(content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Page {
        Page {
            status: 200,
            content_type: content_type.map(str::to_string),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn status(mut self, status: u16) -> Page {
        self.status = status;
        self
    }

    pub fn delay(mut self, delay: Duration) -> Page {
        self.delay = delay;
        self
    }
}

impl MockHttp {
    pub async fn start() -> MockHttp {
        MockHttp {
            server: MockServer::start().await,
        }
    }

    /// `http://127.0.0.1:<port><path>`
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.uri())
    }

    /// Serves `page` at `GET <route>`.
    pub async fn page(&self, route: &str, page: Page) {
        let mut response = ResponseTemplate::new(page.status).set_delay(page.delay);
        response = match page.content_type {
            Some(content_type) => response.set_body_raw(page.body, &content_type),
            None => response.set_body_bytes(page.body),
        };
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(response)
            .mount(&self.server)
            .await;
    }

    /// How many requests arrived so far.
    pub async fn request_count(&self) -> usize {
        self.server.received_requests().await.map_or(0, |r| r.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(url: &str) -> String {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, route) = rest.split_at(rest.find('/').unwrap());
        let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
        let request = format!("GET {route} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        s.write_all(request.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn serves_a_page_with_its_content_type() {
        let http = MockHttp::start().await;
        http.page("/a", Page::new(Some("text/html; charset=utf-8"), "<p>hi</p>"))
            .await;
        let response = get(&http.url("/a")).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response
                .to_ascii_lowercase()
                .contains("content-type: text/html; charset=utf-8"),
            "{response}"
        );
        assert!(response.ends_with("<p>hi</p>"), "{response}");
        assert_eq!(http.request_count().await, 1);
    }

    #[tokio::test]
    async fn a_page_without_content_type_has_none() {
        let http = MockHttp::start().await;
        http.page("/b", Page::new(None, "raw").status(500)).await;
        let response = get(&http.url("/b")).await;
        assert!(response.starts_with("HTTP/1.1 500"), "{response}");
        assert!(
            !response.to_ascii_lowercase().contains("content-type"),
            "{response}"
        );
    }
}

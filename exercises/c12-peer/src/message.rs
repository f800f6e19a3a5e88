//! Given: the messages of the peer protocol.

/// The longest token text the protocol accepts, in bytes (what lies between `<` and `>`).
pub const MAX_TOKEN: usize = 1024;

/// A message: the text of one `<...>` token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// `<connection up>`: the server's greeting.
    ConnectionUp,
    /// `<update>`: the client's periodic update.
    Update,
    /// `<Ack>`: the server's answer to an update.
    Ack,
    /// Any other token, its text decoded lossily (invalid UTF-8 becomes `�`).
    Other(String),
}

impl Message {
    /// The message whose token text is `text` (the bytes between `<` and `>`).
    pub fn from_token(text: &[u8]) -> Message {
        match text {
            b"connection up" => Message::ConnectionUp,
            b"update" => Message::Update,
            b"Ack" => Message::Ack,
            other => Message::Other(String::from_utf8_lossy(other).into_owned()),
        }
    }

    /// The token text of this message, without `<` and `>`.
    pub fn text(&self) -> &str {
        match self {
            Message::ConnectionUp => "connection up",
            Message::Update => "update",
            Message::Ack => "Ack",
            Message::Other(text) => text,
        }
    }
}

//! Q3: the addresses of the command line.

/// The host of an address given as a port alone.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// Q3: parses a command-line address, `host:port` or just `port` (the host is then
/// [`DEFAULT_HOST`]), into its host and port. The host is what comes before the first `:`, as
/// given (`localhost:80:90` has the port `80:90`, which is no number). A port that is not a number
/// from 0 to 65535 is an error whose text is `Ports must be integers.` (what the command line
/// prints, as the seed's `parser.error`).
pub fn parse_addr(text: &str) -> Result<(String, u16), String> {
    let (host, port) = text.split_once(':').unwrap_or((DEFAULT_HOST, text));
    let port = port.parse().map_err(|_| "Ports must be integers.".to_string())?;
    Ok((host.to_string(), port))
}

//! The shape of the future `chained_call` returns, read from its type's name.
//!
//! An `async` block and an `async fn`'s future both show as `…::{{closure}}`; a chain of
//! combinators shows as the combinator that ends it, with the chain inside: `MapOk<AndThen<Fut1,
//! Fut2, F>, F>`. A step that returns an `async` block (`.then(|r| async move { … })`) shows as the
//! second argument of `Then`, `AndThen` or `OrElse` (the future the step returns).

/// The first `async` block (or `async fn` future) in `type_name`: the future itself, or one that a
/// step of the chain returns. `None` for a chain of combinators all the way down, or a name that
/// says nothing (a boxed future, say).
pub(crate) fn async_part(type_name: &str) -> Option<String> {
    if let Some(found) = is_async(outermost(type_name)) {
        return Some(found.to_string());
    }
    // Every `Then<`, `AndThen<`, `OrElse<`: its second argument is what the step returns.
    for (at, _) in type_name.match_indices('<') {
        let name = &type_name[..at];
        let last = name.rsplit("::").next().unwrap_or(name);
        if !matches!(last, "Then" | "AndThen" | "OrElse") {
            continue;
        }
        let args = arguments(&type_name[at + 1..]);
        if let Some(step) = args.get(1).and_then(|arg| is_async(outermost(arg))) {
            return Some(step.to_string());
        }
    }
    None
}

/// `Name` of `Name<…>`.
fn outermost(type_name: &str) -> &str {
    type_name.split('<').next().unwrap_or(type_name).trim()
}

/// `path` if it names an `async` block or an `async fn`'s future (the given `request_url_async`
/// excepted: it is where the chain starts).
fn is_async(path: &str) -> Option<&str> {
    let is_async = path.ends_with("{{closure}}") || path.contains("{async");
    (is_async && !path.contains("request_url_async")).then_some(path)
}

/// The top-level arguments of a generic list, from just after its `<` to its matching `>`.
fn arguments(after_open: &str) -> Vec<&str> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in after_open.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' if depth == 0 => {
                args.push(after_open[start..i].trim());
                return args;
            }
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                args.push(after_open[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::async_part;

    const REQUEST: &str = "c02::given::request_url_async::{{closure}}";

    #[test]
    fn a_chain_of_combinators_has_no_async_part() {
        let chain = format!(
            "futures_util::future::try_future::MapOk<futures_util::future::try_future::AndThen<\
             {REQUEST}, futures_util::future::ready::Ready<core::result::Result<alloc::string::\
             String, c02::FetchError>>, c02::chained_call::{{{{closure}}}}>, c02::chained_call::\
             {{{{closure}}}}>"
        );
        assert_eq!(async_part(&chain), None);
        // A step that is a chain itself (a closure inside a closure, as `MapOk`'s function).
        let nested = format!(
            "futures_util::future::try_future::AndThen<{REQUEST}, futures_util::future::\
             try_future::MapOk<futures_util::future::ready::Ready<u8>, c02::chained_call::\
             {{{{closure}}}}::{{{{closure}}}}>, c02::chained_call::{{{{closure}}}}>"
        );
        assert_eq!(async_part(&nested), None);
    }

    #[test]
    fn an_async_block_is_found_outermost_or_returned_by_a_step() {
        assert_eq!(
            async_part("c02::chained_call::{{closure}}").as_deref(),
            Some("c02::chained_call::{{closure}}")
        );
        let then = format!(
            "futures_util::future::future::Then<{REQUEST}, c02::chained_call::{{{{closure}}}}::\
             {{{{closure}}}}, c02::chained_call::{{{{closure}}}}>"
        );
        assert_eq!(
            async_part(&then).as_deref(),
            Some("c02::chained_call::{{closure}}::{{closure}}")
        );
        let helper = format!(
            "futures_util::future::try_future::MapOk<futures_util::future::try_future::AndThen<\
             {REQUEST}, c02::parse_async::{{{{closure}}}}, c02::chained_call::{{{{closure}}}}>, \
             c02::chained_call::{{{{closure}}}}>"
        );
        assert_eq!(
            async_part(&helper).as_deref(),
            Some("c02::parse_async::{{closure}}")
        );
    }
}

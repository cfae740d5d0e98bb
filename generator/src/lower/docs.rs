//! Spec prose made safe for rustdoc.
//!
//! Atlassian's descriptions are Markdown written for their website: indented blocks and unlabelled fences (which
//! rustdoc would run as doctests), relative links (resolved by [`Links`]), bare URLs, HTML tags and `[text]` that
//! rustdoc would take for intra-doc links. `cargo doc` of the generated crate must stay warning-free and
//! `cargo test` must not try to compile prose.

use super::links::{Links, Target};

/// Joins a summary and a description into one doc text, made safe; `None` when both are empty.
pub fn doc(summary: Option<&str>, description: Option<&str>, links: &Links) -> Option<String> {
    let summary = summary.map(str::trim).filter(|s| !s.is_empty());
    let description = description.map(str::trim).filter(|s| !s.is_empty());
    let text = match (summary, description) {
        (Some(s), Some(d)) if d.starts_with(s) => d.to_owned(),
        (Some(s), Some(d)) => format!("{s}\n\n{d}"),
        (Some(s), None) => s.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => return None,
    };
    Some(sanitize(&text, links))
}

/// Makes Markdown safe for rustdoc: fences become `text` blocks, no line is indented enough to be a code block,
/// relative links are resolved (or dropped, keeping their text), bare URLs become autolinks, and `<`, `>`, `[`, `]`
/// outside links are escaped.
pub fn sanitize(text: &str, links: &Links) -> String {
    sanitize_reporting(text, links, &mut Vec::new())
}

/// [`sanitize`], adding the link targets that resolved to nothing (and were dropped) to `unresolved`.
pub fn sanitize_reporting(text: &str, links: &Links, unresolved: &mut Vec<String>) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The column where the text of the current list item starts: its continuation lines are indented to it.
    let mut item_column: Option<usize> = None;
    for line in text.replace("\r\n", "\n").split('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() {
            item_column = None;
            out.push(String::new());
            continue;
        }
        // Keep list nesting readable but never reach the four spaces of an indented code block.
        let indent = (line.len() - trimmed.len()).min(3);
        let indent = match (list_marker(trimmed), item_column) {
            (Some(marker), _) => {
                item_column = Some(indent + marker);
                indent
            }
            // A line that continues a list item lines up with the item's text.
            (None, Some(column)) => column,
            (None, None) => indent,
        };
        out.push(format!("{}{}", " ".repeat(indent), inline(trimmed.trim_end(), links, unresolved)));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // No trailing blank lines, and no runs of blank lines.
    let mut text = out.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_owned()
}

/// The width of a list marker and the spaces after it (`*   `, `- `, `12. `), if the line starts a list item.
fn list_marker(line: &str) -> Option<usize> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let marker = match line[digits..].chars().next()? {
        '*' | '-' | '+' if digits == 0 => 1,
        '.' | ')' if digits > 0 => digits + 1,
        _ => return None,
    };
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    (spaces > 0).then_some(marker + spaces)
}

/// Rewrites one line of prose outside code fences.
fn inline(line: &str, links: &Links, unresolved: &mut Vec<String>) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 16);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            // A Markdown link `[text](target)`: keep it, with the target made absolute.
            '[' => {
                if let Some((text_end, target_end)) = link_at(&chars, i) {
                    let text: String = chars[i + 1..text_end].iter().collect();
                    let text = inline(&text, links, unresolved);
                    let target: String = chars[text_end + 2..target_end].iter().collect();
                    match links.resolve(&target) {
                        Target::Url(url) => out.push_str(&format!("[{text}]({url})")),
                        Target::Item(path) => out.push_str(&format!("[{text}]({path})")),
                        Target::Plain => {
                            unresolved.push(target.trim().to_owned());
                            out.push_str(&text);
                        }
                    }
                    i = target_end + 1;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' | '>' => {
                out.push_str(if c == '<' { "&lt;" } else { "&gt;" });
                i += 1;
            }
            'h' if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") => {
                let end =
                    (i..chars.len()).find(|&j| chars[j].is_whitespace() || chars[j] == ')').unwrap_or(chars.len());
                let mut url: String = chars[i..end].iter().collect();
                let mut tail = String::new();
                while url.ends_with(['.', ',', ';', ':']) {
                    tail.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail);
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the doc into code: close it here.
        out.push('`');
    }
    out
}

/// For `[text](target)` starting at `start`, the indices of `]` and of the closing `)`.
fn link_at(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut text_end = None;
    for (j, &c) in chars.iter().enumerate().skip(start) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    text_end = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let text_end = text_end?;
    if chars.get(text_end + 1) != Some(&'(') {
        return None;
    }
    let target_end = (text_end + 2..chars.len()).find(|&j| chars[j] == ')')?;
    Some((text_end, target_end))
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix.chars().enumerate().all(|(k, p)| chars.get(at + k) == Some(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sanitize(text: &str) -> String {
        super::sanitize(text, &Links::default())
    }

    #[test]
    fn fences_become_text_and_indented_blocks_are_flattened() {
        let text = "Example:\n\n    curl -X GET\n\n```\nlet x = 1;\n```";
        assert_eq!(sanitize(text), "Example:\n\n   curl -X GET\n\n```text\nlet x = 1;\n```");
    }

    #[test]
    fn links_are_absolute_and_brackets_escaped() {
        assert_eq!(
            sanitize("See [Permissions](/cloud/jira/platform/rest/#permissions) and [this] <b>x</b> https://x.io/a."),
            "See [Permissions](https://developer.atlassian.com/cloud/jira/platform/rest/#permissions) and \\[this\\] &lt;b&gt;x&lt;/b&gt; <https://x.io/a>."
        );
    }

    #[test]
    fn unresolvable_links_keep_their_text_and_are_reported() {
        let mut unresolved = Vec::new();
        let text = sanitize_reporting(
            "See [the *docs*](em>#expansion) and [Forge](/platform/forge/).",
            &Links::default(),
            &mut unresolved,
        );
        assert_eq!(text, "See the *docs* and [Forge](https://developer.atlassian.com/platform/forge/).");
        assert_eq!(unresolved, ["em>#expansion"]);
    }

    #[test]
    fn list_item_continuations_line_up_with_the_item_text() {
        let text = "*   First item\nwraps here\n    1. nested\n   more\n\nAfter.";
        assert_eq!(sanitize(text), "*   First item\n    wraps here\n   1. nested\n      more\n\nAfter.");
    }

    #[test]
    fn code_spans_are_left_alone() {
        assert_eq!(sanitize("Use `a[0] <b>` here"), "Use `a[0] <b>` here");
    }
}

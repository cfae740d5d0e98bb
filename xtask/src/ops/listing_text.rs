//! The `apis:` list of a listing as lines of text, so entries can be added and removed while every other line
//! (comments, order, quoting, the other keys) stays byte-for-byte as it was.
//!
//! Only the block form is edited (`apis:` at the top level, one `- ` item per entry, or `apis: []`). Whatever is
//! written is parsed again by the caller before it replaces the file.

use std::ops::Range;

/// The lines of a listing and where its `apis` entries are.
pub struct ApisList<'a> {
    lines: Vec<&'a str>,
    /// The `apis:` line.
    key: usize,
    /// The lines of each entry: from its `- ` line to its last line that is not blank or a comment.
    items: Vec<Range<usize>>,
    /// The column of the items' `-`, and of their keys.
    dash_indent: usize,
    key_indent: usize,
    /// `apis: []`.
    flow_empty: bool,
    newline: &'a str,
}

/// One entry to write: its keys and (already YAML-quoted) values, in order.
pub type NewEntry = Vec<(&'static str, String)>;

impl<'a> ApisList<'a> {
    /// Finds the `apis:` list in the listing's text.
    pub fn find(text: &'a str) -> Result<ApisList<'a>, String> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let is_key = |line: &str| {
            line.strip_prefix("apis:")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim() == "[]" || rest.trim_start().starts_with('#'))
        };
        let keys: Vec<usize> = (0..lines.len()).filter(|&i| is_key(lines[i])).collect();
        let key = match keys.as_slice() {
            [key] => *key,
            [] => return Err("it has no top-level `apis:` list".into()),
            _ => return Err("it has more than one top-level `apis:` line".into()),
        };
        let newline = if lines[key].ends_with("\r\n") { "\r\n" } else { "\n" };
        let flow_empty = lines[key]["apis:".len()..].trim() == "[]";
        let mut list = ApisList { lines, key, items: Vec::new(), dash_indent: 0, key_indent: 2, flow_empty, newline };
        if flow_empty {
            return Ok(list);
        }
        let mut dash_indent = None;
        for i in key + 1..list.lines.len() {
            let line = list.lines[i];
            let content = line.trim_start_matches(' ');
            if content.trim().is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = line.len() - content.len();
            let is_item = content.starts_with("- ") || content.trim_end() == "-";
            match dash_indent {
                None if is_item => {
                    dash_indent = Some(indent);
                    let after_dash = &content[1..];
                    let spaces = after_dash.len() - after_dash.trim_start_matches(' ').len();
                    // `-` alone on its line, or a flow item (`- {name: x}`): no key column to copy.
                    list.key_indent = if after_dash.trim().is_empty() || after_dash.trim_start().starts_with('{') {
                        indent + 2
                    } else {
                        indent + 1 + spaces
                    };
                    list.items.push(i..i + 1);
                }
                None => break,
                Some(dash) if indent == dash && is_item => list.items.push(i..i + 1),
                Some(dash) if indent > dash => {
                    if let Some(item) = list.items.last_mut() {
                        item.end = i + 1;
                    }
                }
                Some(_) => break,
            }
        }
        if let Some(dash) = dash_indent {
            list.dash_indent = dash;
        }
        Ok(list)
    }

    /// How many entries the text has.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The text with the entries written after the last one, in the list's own indentation.
    pub fn with_added(&self, entries: &[NewEntry]) -> String {
        let mut block = String::new();
        for entry in entries {
            for (i, (key, value)) in entry.iter().enumerate() {
                let indent = if i == 0 { self.dash_indent } else { self.key_indent };
                block.push_str(&" ".repeat(indent));
                if i == 0 {
                    block.push('-');
                    block.push_str(&" ".repeat(self.key_indent - self.dash_indent - 1));
                }
                block.push_str(&format!("{key}: {value}{}", self.newline));
            }
        }
        let mut out = String::new();
        if self.flow_empty {
            out.extend(self.lines[..self.key].iter().copied());
            out.push_str(&format!("apis:{}", self.newline));
            out.push_str(&block);
            out.extend(self.lines[self.key + 1..].iter().copied());
            return out;
        }
        let at = self.items.last().map_or(self.key + 1, |item| item.end);
        out.extend(self.lines[..at].iter().copied());
        if !out.ends_with('\n') {
            out.push_str(self.newline);
        }
        out.push_str(&block);
        out.extend(self.lines[at..].iter().copied());
        out
    }

    /// The text without the entries at these positions (`apis: []` when none is left).
    pub fn without(&self, remove: &[usize]) -> String {
        let mut out = String::new();
        let none_left = !self.items.is_empty() && (0..self.items.len()).all(|i| remove.contains(&i));
        for (i, line) in self.lines.iter().enumerate() {
            let dropped = remove.iter().any(|&item| self.items.get(item).is_some_and(|range| range.contains(&i)));
            if i == self.key && none_left {
                out.push_str(&format!("apis: []{}", self.newline));
            } else if !dropped {
                out.push_str(line);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ApisList;

    const LISTING: &str = "name: x\n# the list\napis:\n- name: A\n  x-api-slug: a-get   # first\n  description: \"two\n    lines\"\n\n# about B\n- name: B\n  x-operation-id: b\nx-common:\n- type: x-openapi\n";

    #[test]
    fn entries_are_added_after_the_last_in_the_files_indentation() {
        let list = ApisList::find(LISTING).expect("found");
        assert_eq!(list.len(), 2);
        let text = list.with_added(&[vec![("name", "C".into()), ("x-api-slug", "c-get".into())]]);
        assert_eq!(
            text,
            LISTING.replace("  x-operation-id: b\n", "  x-operation-id: b\n- name: C\n  x-api-slug: c-get\n")
        );

        let indented = "apis:\n    -   name: A\n        x-api-slug: a-get\n";
        let text = ApisList::find(indented)
            .expect("found")
            .with_added(&[vec![("name", "C".into()), ("x-api-slug", "c-get".into())]]);
        assert_eq!(text, format!("{indented}    -   name: C\n        x-api-slug: c-get\n"));
    }

    #[test]
    fn an_entry_is_removed_with_its_lines_only() {
        let list = ApisList::find(LISTING).expect("found");
        assert_eq!(
            list.without(&[0]),
            "name: x\n# the list\napis:\n\n# about B\n- name: B\n  x-operation-id: b\nx-common:\n- type: x-openapi\n"
        );
        assert_eq!(list.without(&[1]), "name: x\n# the list\napis:\n- name: A\n  x-api-slug: a-get   # first\n  description: \"two\n    lines\"\n\n# about B\nx-common:\n- type: x-openapi\n");
        assert_eq!(list.without(&[0, 1]), "name: x\n# the list\napis: []\n\n# about B\nx-common:\n- type: x-openapi\n");
    }

    #[test]
    fn an_empty_flow_list_becomes_a_block_list() {
        let text = "apis: []\r\nx-common: []\r\n";
        let added = ApisList::find(text).expect("found").with_added(&[vec![("name", "C".into())]]);
        assert_eq!(added, "apis:\r\n- name: C\r\nx-common: []\r\n");
    }

    #[test]
    fn a_listing_without_a_block_apis_list_is_refused() {
        assert!(ApisList::find("x-common: []\n").is_err());
        assert!(ApisList::find("apis:\n- a: 1\napis:\n").is_err());
    }
}

//! `to_plain_text()`: a document's text without its formatting.

use crate::adf::{Document, Node};

impl Document {
    /// The document's text: one line per paragraph, heading, list item, code line or table row (cells separated by
    /// tabs); mentions, emoji, dates and status lozenges as their text. Nodes this client does not know still give
    /// the text they hold.
    pub fn to_plain_text(&self) -> String {
        let mut lines = Vec::new();
        blocks(&self.content, &mut lines);
        lines.join("\n")
    }
}

impl Node {
    /// The text of an inline node (`text`, a mention, an emoji ...), or of every inline node inside a block.
    pub fn inline_text(&self) -> String {
        let mut out = String::new();
        inline(self, &mut out);
        out
    }
}

fn blocks(nodes: &[Node], lines: &mut Vec<String>) {
    for node in nodes {
        block(node, lines);
    }
}

fn inlines(nodes: Option<&Vec<Node>>) -> String {
    let mut out = String::new();
    for node in nodes.into_iter().flatten() {
        inline(node, &mut out);
    }
    out
}

fn block(node: &Node, lines: &mut Vec<String>) {
    match node {
        Node::Paragraph(p) => lines.push(inlines(p.content.as_ref())),
        Node::Heading(h) => lines.push(inlines(h.content.as_ref())),
        Node::CodeBlock(c) => lines.extend(inlines(c.content.as_ref()).lines().map(str::to_owned)),
        Node::TaskItem(t) => lines.push(inlines(t.content.as_ref())),
        Node::DecisionItem(d) => lines.push(inlines(d.content.as_ref())),
        Node::TableRow(row) => {
            let cells: Vec<String> = row
                .content
                .iter()
                .map(|cell| {
                    let mut cell_lines = Vec::new();
                    block_children(cell, &mut cell_lines);
                    cell_lines.join(" ")
                })
                .collect();
            lines.push(cells.join("\t"));
        }
        Node::Rule(_) => {}
        Node::Text(_)
        | Node::HardBreak(_)
        | Node::Mention(_)
        | Node::Emoji(_)
        | Node::Date(_)
        | Node::Status(_)
        | Node::InlineCard(_) => {
            let mut out = String::new();
            inline(node, &mut out);
            lines.push(out);
        }
        other => block_children(other, lines),
    }
}

/// The blocks inside a container node, found through its JSON so that every container (and unknown nodes) works.
fn block_children(node: &Node, lines: &mut Vec<String>) {
    let value = serde_json::to_value(node).unwrap_or_default();
    let children = value.get("content").cloned().unwrap_or_default();
    match serde_json::from_value::<Vec<Node>>(children) {
        Ok(children) => blocks(&children, lines),
        Err(_) => json_text(&value, lines),
    }
}

fn inline(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => out.push_str(&t.text),
        Node::HardBreak(_) => out.push('\n'),
        Node::Mention(m) => match &m.attrs.text {
            Some(text) => out.push_str(text),
            None => {
                out.push('@');
                out.push_str(&m.attrs.id);
            }
        },
        Node::Emoji(e) => out.push_str(e.attrs.text.as_deref().unwrap_or(&e.attrs.short_name)),
        Node::Date(d) => out.push_str(&d.attrs.timestamp),
        Node::Status(s) => out.push_str(&s.attrs.text),
        Node::InlineCard(c) => {
            if let Some(url) = c.attrs.url.as_deref() {
                out.push_str(url);
            }
        }
        other => {
            let mut lines = Vec::new();
            block_children(other, &mut lines);
            out.push_str(&lines.join(" "));
        }
    }
}

/// Every `text` string below a JSON value (an unknown node's), one line per node that holds any.
fn json_text(value: &serde_json::Value, lines: &mut Vec<String>) {
    if let Some(text) = value.get("text").and_then(serde_json::Value::as_str) {
        lines.push(text.to_owned());
    }
    if let Some(children) = value.get("content").and_then(serde_json::Value::as_array) {
        for child in children {
            json_text(child, lines);
        }
    }
}

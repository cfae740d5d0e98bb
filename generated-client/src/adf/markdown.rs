//! Markdown to ADF through `pulldown-cmark` (CommonMark with GitHub's tables, strikethrough and task lists), and
//! ADF to Markdown.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::adf::{Document, Mark, Node, Text};

impl Document {
    /// Converts Markdown: CommonMark plus GitHub's tables, `~~strikethrough~~` and `- [ ]` task lists. Images
    /// become links (ADF media need an upload), raw HTML stays as text.
    ///
    /// ```
    /// # use atlassian_client::adf::Document;
    /// let doc = Document::from_markdown("# Title\n\nSome **bold** text.");
    /// assert_eq!(doc.to_plain_text(), "Title\nSome bold text.");
    /// ```
    pub fn from_markdown(markdown: &str) -> Document {
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        let mut builder = Builder::default();
        for event in Parser::new_ext(markdown, options) {
            builder.event(event);
        }
        builder.finish()
    }

    /// Writes the document as Markdown (the same dialect [`Document::from_markdown`] reads). Panels become
    /// blockquotes; nodes Markdown has no syntax for are written as their text.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        write_blocks(&self.content, "", &mut out);
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

/// An open container while reading Markdown.
enum Frame {
    Document,
    Paragraph,
    Heading(u8),
    BlockQuote,
    CodeBlock { language: Option<String>, code: String },
    List { start: Option<u64> },
    Item { done: Option<bool> },
    Table,
    TableRow { header: bool },
    TableCell { header: bool },
    /// Image alt text, kept as a link's text.
    Image,
    /// A container Markdown has and ADF has not (HTML blocks, footnotes ...): its text goes to the parent.
    Transparent,
}

#[derive(Default)]
struct Builder {
    frames: Vec<(Frame, Vec<Node>)>,
    marks: Vec<Mark>,
    tasks: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        if self.frames.is_empty() {
            self.frames.push((Frame::Document, Vec::new()));
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                // ADF allows only `link` beside `code`.
                let links = self.marks.iter().filter(|m| matches!(m, Mark::Link(_))).cloned();
                let mut text = Text::from(code.as_ref()).code();
                text.marks.get_or_insert_with(Vec::new).extend(links);
                self.push_inline(Node::Text(text));
            }
            // An HTML comment separates two lists that would otherwise merge (see `write_blocks`).
            Event::Html(html) if html.trim().starts_with("<!--") && html.trim().ends_with("-->") => {}
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
            Event::FootnoteReference(name) => self.text(&format!("[^{name}]")),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.push_inline(Node::hard_break()),
            Event::Rule => self.push_block(Node::rule()),
            Event::TaskListMarker(done) => {
                if let Some((Frame::Item { done: slot }, _)) = self.frames.last_mut() {
                    *slot = Some(done);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let frame = match tag {
            Tag::Paragraph => Frame::Paragraph,
            Tag::Heading { level, .. } => Frame::Heading(heading_level(level)),
            Tag::BlockQuote(_) => Frame::BlockQuote,
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                Frame::CodeBlock { language, code: String::new() }
            }
            Tag::List(start) => Frame::List { start },
            Tag::Item => Frame::Item { done: None },
            Tag::Table(_) => Frame::Table,
            Tag::TableHead => Frame::TableRow { header: true },
            Tag::TableRow => Frame::TableRow { header: false },
            Tag::TableCell => {
                let header = matches!(self.frames.last(), Some((Frame::TableRow { header: true }, _)));
                Frame::TableCell { header }
            }
            Tag::Emphasis => return self.marks.push(Mark::Em(crate::adf::EmMark::new())),
            Tag::Strong => return self.marks.push(Mark::Strong(crate::adf::StrongMark::new())),
            Tag::Strikethrough => return self.marks.push(Mark::Strike(crate::adf::StrikeMark::new())),
            Tag::Link { dest_url, title, .. } => return self.marks.push(link(&dest_url, &title)),
            Tag::Image { dest_url, title, .. } => {
                self.marks.push(link(&dest_url, &title));
                Frame::Image
            }
            _ => Frame::Transparent,
        };
        self.frames.push((frame, Vec::new()));
    }

    fn end(&mut self, tag: TagEnd) {
        if matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) {
            self.marks.pop();
            return;
        }
        let Some((frame, children)) = self.frames.pop() else { return };
        if self.frames.is_empty() {
            // The document frame never closes through an event; put it back.
            self.frames.push((frame, children));
            return;
        }
        match frame {
            Frame::Document => {}
            Frame::Paragraph => self.push_block(Node::paragraph(children)),
            Frame::Heading(level) => self.push_block(Node::heading(level, children)),
            // ADF has no empty blockquote (`> ` alone).
            Frame::BlockQuote if children.is_empty() => {}
            Frame::BlockQuote => self.push_block(Node::blockquote(blocks_of(children))),
            Frame::CodeBlock { language, code } => {
                let code = code.strip_suffix('\n').unwrap_or(&code);
                self.push_block(Node::code_block(language.as_deref(), code));
            }
            Frame::List { start } => self.push_block(list(start, children)),
            Frame::Item { done } => {
                let blocks = blocks_of(children);
                let item = match done {
                    Some(done) => {
                        self.tasks += 1;
                        let inline = blocks.into_iter().flat_map(inline_content).collect::<Vec<_>>();
                        Node::task_item(&format!("task-{}", self.tasks), done, inline)
                    }
                    None => Node::list_item(blocks),
                };
                self.push_block(item);
            }
            Frame::Table => self.push_block(Node::table(children)),
            Frame::TableRow { .. } => self.push_block(Node::table_row(children)),
            Frame::TableCell { header } => {
                let blocks = vec![Node::paragraph(children)];
                self.push_block(if header { Node::table_header(blocks) } else { Node::table_cell(blocks) });
            }
            Frame::Image => {
                self.marks.pop();
                if let Some((_, parent)) = self.frames.last_mut() {
                    parent.extend(children);
                }
            }
            Frame::Transparent => {
                if let Some((_, parent)) = self.frames.last_mut() {
                    parent.extend(children);
                }
            }
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((Frame::CodeBlock { code, .. }, _)) = self.frames.last_mut() {
            code.push_str(text);
            return;
        }
        if text.is_empty() {
            return;
        }
        let mut node = Text::from(text);
        if !self.marks.is_empty() {
            node.marks = Some(self.marks.clone());
        }
        // Markdown splits text at special characters: join runs with the same marks.
        if let Some((_, children)) = self.frames.last_mut() {
            if let Some(Node::Text(last)) = children.last_mut() {
                if last.marks == node.marks {
                    last.text.push_str(text);
                    return;
                }
            }
        }
        self.push_inline(Node::Text(node));
    }

    fn push_inline(&mut self, node: Node) {
        if let Some((_, children)) = self.frames.last_mut() {
            children.push(node);
        }
    }

    fn push_block(&mut self, node: Node) {
        self.push_inline(node);
    }

    fn finish(mut self) -> Document {
        while self.frames.len() > 1 {
            let tag = match self.frames.last() {
                Some((Frame::Paragraph, _)) => TagEnd::Paragraph,
                _ => TagEnd::BlockQuote(None),
            };
            self.end(tag);
        }
        let children = self.frames.pop().map(|(_, children)| children).unwrap_or_default();
        let mut document = Document::new();
        document.content = blocks_of(children);
        document
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn link(href: &str, title: &str) -> Mark {
    let mut attrs = crate::adf::LinkMarkAttrs::new(href.to_owned());
    attrs.title = (!title.is_empty()).then(|| title.to_owned());
    Mark::Link(crate::adf::LinkMark::new(attrs))
}

/// A list of items, or a task list when all its items are tasks (in a mixed list a task keeps its `[ ]`).
fn list(start: Option<u64>, items: Vec<Node>) -> Node {
    if items.iter().all(|item| matches!(item, Node::TaskItem(_))) {
        let id = items.iter().find_map(|item| match item {
            Node::TaskItem(task) => Some(format!("{}-list", task.attrs.local_id)),
            _ => None,
        });
        return Node::task_list(&id.unwrap_or_default(), items);
    }
    let blocks = items.into_iter().map(|item| match item {
        Node::ListItem(item) => item.content,
        Node::TaskItem(task) => {
            let done = task.attrs.state == crate::adf::TaskItemState::Done;
            let mut inline = vec![Node::text(if done { "[x] " } else { "[ ] " })];
            inline.extend(task.content.unwrap_or_default());
            vec![Node::paragraph(inline)]
        }
        other => vec![other],
    });
    match start {
        None => Node::bullet_list(blocks),
        Some(start) => {
            let mut list = Node::ordered_list(blocks);
            if let (Node::OrderedList(ordered), true) = (&mut list, start != 1) {
                let mut attrs = crate::adf::OrderedListAttrs::new();
                attrs.order = Some(start.into());
                ordered.attrs = Some(attrs);
            }
            list
        }
    }
}

/// Blocks from a container's children: runs of inline nodes (a tight list item's text) become paragraphs.
fn blocks_of(children: Vec<Node>) -> Vec<Node> {
    let mut blocks = Vec::new();
    let mut run = Vec::new();
    for child in children {
        if is_inline(&child) {
            run.push(child);
        } else {
            if !run.is_empty() {
                blocks.push(Node::paragraph(std::mem::take(&mut run)));
            }
            blocks.push(child);
        }
    }
    if !run.is_empty() {
        blocks.push(Node::paragraph(run));
    }
    blocks
}

fn is_inline(node: &Node) -> bool {
    matches!(node, Node::Text(_) | Node::HardBreak(_) | Node::Mention(_) | Node::Emoji(_))
}

/// The inline nodes of a block (a task's text).
fn inline_content(block: Node) -> Vec<Node> {
    match block {
        Node::Paragraph(p) => p.content.unwrap_or_default(),
        Node::Heading(h) => h.content.unwrap_or_default(),
        other if is_inline(&other) => vec![other],
        other => {
            let text = Document::new().push(other).to_plain_text();
            if text.is_empty() {
                Vec::new()
            } else {
                vec![Node::text(text)]
            }
        }
    }
}

fn write_blocks(nodes: &[Node], indent: &str, out: &mut String) {
    let is_list = |node: &Node| matches!(node, Node::BulletList(_) | Node::OrderedList(_) | Node::TaskList(_));
    for (i, node) in nodes.iter().enumerate() {
        // Two lists in a row would read back as one: an HTML comment keeps them apart.
        if i > 0 && is_list(node) && is_list(&nodes[i - 1]) {
            out.push_str(&format!("<!-- -->\n{indent}\n{indent}"));
        }
        write_block(node, indent, out);
    }
}

/// Writes one block and the blank line after it; every line after the first starts with `indent`.
fn write_block(node: &Node, indent: &str, out: &mut String) {
    match node {
        Node::Paragraph(p) => line(&inline_markdown(p.content.as_deref()), indent, out),
        Node::Heading(h) => {
            let level = h.attrs.level.as_u64().unwrap_or(1).clamp(1, 6) as usize;
            line(&format!("{} {}", "#".repeat(level), inline_markdown(h.content.as_deref())), indent, out);
        }
        Node::CodeBlock(c) => {
            let code = c.content.iter().flatten().map(Node::inline_text).collect::<String>();
            let fence = if code.contains("```") { "~~~~" } else { "```" };
            let language = c.attrs.as_ref().and_then(|a| a.language.as_deref()).unwrap_or_default();
            line(&format!("{fence}{language}\n{code}\n{fence}"), indent, out);
        }
        Node::BulletList(list) => write_items(&list.content, |_| "- ".to_owned(), indent, out),
        Node::OrderedList(list) => {
            let start = list.attrs.as_ref().and_then(|a| a.order.as_ref()).and_then(|n| n.as_u64()).unwrap_or(1);
            write_items(&list.content, |i| format!("{}. ", start + i as u64), indent, out);
        }
        Node::TaskList(list) => {
            for item in &list.content {
                match item {
                    Node::TaskItem(task) => {
                        let mark = if task.attrs.state == crate::adf::TaskItemState::Done { "x" } else { " " };
                        out.push_str(&format!("- [{mark}] {}\n{indent}", inline_markdown(task.content.as_deref())));
                    }
                    other => write_block(other, &format!("{indent}  "), out),
                }
            }
            out.push('\n');
            out.push_str(indent);
        }
        Node::Blockquote(q) => quote(&q.content, indent, out),
        Node::Panel(p) => quote(&p.content, indent, out),
        Node::Rule(_) => line("---", indent, out),
        Node::Table(table) => {
            let rows: Vec<Vec<String>> = table
                .content
                .iter()
                .map(|row| match row {
                    Node::TableRow(row) => row.content.iter().map(cell_markdown).collect(),
                    other => vec![cell_markdown(other)],
                })
                .collect();
            let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
            let mut text = String::new();
            for (i, row) in rows.iter().enumerate() {
                let mut cells = row.clone();
                cells.resize(columns, String::new());
                text.push_str(&format!("| {} |\n", cells.join(" | ")));
                if i == 0 {
                    text.push_str(&format!("|{}\n", " --- |".repeat(columns)));
                }
            }
            line(text.trim_end(), indent, out);
        }
        other => {
            let text = Document::new().push(other.clone()).to_plain_text();
            if !text.is_empty() {
                line(&escape(&text), indent, out);
            }
        }
    }
}

fn line(text: &str, indent: &str, out: &mut String) {
    out.push_str(&text.replace('\n', &format!("\n{indent}")));
    out.push_str(&format!("\n{indent}\n{indent}"));
}

fn write_items(items: &[Node], marker: impl Fn(usize) -> String, indent: &str, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        let marker = marker(i);
        let inner = format!("{indent}{}", " ".repeat(marker.len()));
        out.push_str(&marker);
        let blocks: &[Node] = match item {
            Node::ListItem(item) => &item.content,
            other => std::slice::from_ref(other),
        };
        let mut text = String::new();
        write_blocks(blocks, &inner, &mut text);
        // Tight items: no blank line between them.
        out.push_str(text.trim_end());
        out.push('\n');
        out.push_str(indent);
    }
    out.push('\n');
    out.push_str(indent);
}

fn quote(blocks: &[Node], indent: &str, out: &mut String) {
    let inner = format!("{indent}> ");
    out.push_str("> ");
    let mut text = String::new();
    write_blocks(blocks, &inner, &mut text);
    out.push_str(text.trim_end_matches([' ', '>', '\n']));
    out.push_str(&format!("\n{indent}\n{indent}"));
}

fn cell_markdown(cell: &Node) -> String {
    let value = serde_json::to_value(cell).unwrap_or_default();
    let blocks: Vec<Node> = value.get("content").cloned().and_then(|c| serde_json::from_value(c).ok()).unwrap_or_default();
    let parts: Vec<String> = blocks
        .iter()
        .map(|block| match block {
            Node::Paragraph(p) => inline_markdown(p.content.as_deref()),
            other => escape(&Document::new().push(other.clone()).to_plain_text()),
        })
        .collect();
    parts.join("<br>").replace('|', "\\|").replace('\n', " ")
}

fn inline_markdown(nodes: Option<&[Node]>) -> String {
    let mut out = String::new();
    for node in nodes.into_iter().flatten() {
        match node {
            Node::Text(text) => out.push_str(&text_markdown(text)),
            Node::HardBreak(_) => out.push_str("\\\n"),
            Node::Mention(m) => {
                let name = m.attrs.text.clone().unwrap_or_else(|| format!("@{}", m.attrs.id));
                out.push_str(&escape(&name));
            }
            other => out.push_str(&escape(&other.inline_text())),
        }
    }
    out
}

fn text_markdown(text: &Text) -> String {
    let marks = text.marks.as_deref().unwrap_or_default();
    let code = marks.iter().any(|m| matches!(m, Mark::Code(_)));
    let mut out = if code {
        let ticks = if text.text.contains('`') { "``" } else { "`" };
        format!("{ticks}{}{ticks}", text.text)
    } else {
        escape(&text.text)
    };
    for mark in marks {
        out = match mark {
            Mark::Strong(_) => format!("**{out}**"),
            Mark::Em(_) => format!("*{out}*"),
            Mark::Strike(_) => format!("~~{out}~~"),
            _ => out,
        };
    }
    if let Some(Mark::Link(link)) = marks.iter().find(|m| matches!(m, Mark::Link(_))) {
        let href = link.attrs.href.replace(' ', "%20").replace(')', "%29");
        out = match &link.attrs.title {
            Some(title) => format!("[{out}]({href} \"{}\")", title.replace('"', "\\\"")),
            None => format!("[{out}]({href})"),
        };
    }
    out
}

/// Escapes the characters that Markdown would read as syntax.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        let at_start = i == 0;
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '~' | '<' | '|') || (at_start && matches!(c, '#' | '>' | '-' | '+'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_reads_commonmark_and_github_extensions() {
        let doc = Document::from_markdown(
            "# Title\n\nSome **bold**, *em*, ~~gone~~, `code` and [a link](https://example.com).\n\n\
             - one\n- two\n  1. nested\n\n* [ ] todo\n* [x] done\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n\
             > quoted\n\n```rust\nfn main() {}\n```\n\n---\n",
        );
        let kinds: Vec<&str> = doc
            .content
            .iter()
            .map(|node| match node {
                Node::Heading(_) => "heading",
                Node::Paragraph(_) => "paragraph",
                Node::BulletList(_) => "bulletList",
                Node::TaskList(_) => "taskList",
                Node::Table(_) => "table",
                Node::Blockquote(_) => "blockquote",
                Node::CodeBlock(_) => "codeBlock",
                Node::Rule(_) => "rule",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["heading", "paragraph", "bulletList", "taskList", "table", "blockquote", "codeBlock", "rule"]);
        assert!(crate::runtime::Fallbacks::fallbacks(&doc).is_empty());
        let Node::Paragraph(p) = &doc.content[1] else { unreachable!() };
        let marks: Vec<usize> = p.content.iter().flatten().map(|n| match n {
            Node::Text(t) => t.marks.as_ref().map_or(0, Vec::len),
            _ => 99,
        }).collect();
        assert!(marks.contains(&1), "{marks:?}");
    }

    #[test]
    fn two_lists_in_a_row_stay_two_lists() {
        let doc = Document::new().bullet_list(["a"]).bullet_list(["b"]).ordered_list(["c"]).ordered_list(["d"]);
        assert_eq!(Document::from_markdown(&doc.to_markdown()), doc, "{}", doc.to_markdown());
    }

    #[test]
    fn markdown_written_from_a_document_reads_back_as_the_same_document() {
        let markdown = "# Title\n\nSome **bold**, *em*, ~~gone~~, `code` and [a link](https://example.com). 1 * 2\n\n\
                        - one\n- two\n  1. nested\n\n3. three\n4. four\n\n- [ ] todo\n- [x] done\n\n\
                        | a | b |\n| --- | --- |\n| 1 | 2 \\| 3 |\n\n> quoted\n> - in a list\n\n```rust\nfn main() {}\n```\n\n---\n\nline\\\nbreak\n";
        let doc = Document::from_markdown(markdown);
        let written = doc.to_markdown();
        assert_eq!(Document::from_markdown(&written), doc, "{written}");
    }
}

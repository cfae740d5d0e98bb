//! Builders for the common nodes and marks, on the generated types.

use crate::adf::{
    BulletList, CodeBlock, CodeBlockAttrs, Document, Emoji, EmojiAttrs, HardBreak, Heading, HeadingAttrs, LinkMark,
    LinkMarkAttrs, ListItem, Mark, Mention, MentionAttrs, Node, OrderedList, Panel, PanelAttrs, PanelType, Paragraph,
    Rule, Table, TableCell, TableHeader, TableRow, TaskItem, TaskItemAttrs, TaskItemState, TaskList, TaskListAttrs,
    Text,
};

/// Inline content: a `&str` or `String` (one text node), one inline [`Node`], or a list of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inlines(pub Vec<Node>);

impl From<&str> for Inlines {
    fn from(text: &str) -> Self {
        Inlines(if text.is_empty() { Vec::new() } else { vec![Node::text(text)] })
    }
}

impl From<String> for Inlines {
    fn from(text: String) -> Self {
        Inlines::from(text.as_str())
    }
}

impl From<Node> for Inlines {
    fn from(node: Node) -> Self {
        Inlines(vec![node])
    }
}

impl From<Text> for Inlines {
    fn from(text: Text) -> Self {
        Inlines(vec![Node::Text(text)])
    }
}

impl From<Vec<Node>> for Inlines {
    fn from(nodes: Vec<Node>) -> Self {
        Inlines(nodes)
    }
}

impl<const N: usize> From<[Node; N]> for Inlines {
    fn from(nodes: [Node; N]) -> Self {
        Inlines(nodes.into())
    }
}

/// A document of one paragraph (none for an empty string).
impl From<&str> for Document {
    fn from(text: &str) -> Self {
        Document::new().paragraph(text)
    }
}

impl From<String> for Document {
    fn from(text: String) -> Self {
        Document::from(text.as_str())
    }
}

impl Document {
    /// Appends any block node.
    pub fn push(mut self, node: impl Into<Node>) -> Self {
        self.content.push(node.into());
        self
    }

    /// Appends a paragraph.
    pub fn paragraph(self, content: impl Into<Inlines>) -> Self {
        self.push(Node::paragraph(content))
    }

    /// Appends a heading of `level` 1 to 6.
    pub fn heading(self, level: u8, content: impl Into<Inlines>) -> Self {
        self.push(Node::heading(level, content))
    }

    /// Appends a bullet list with one paragraph per item.
    pub fn bullet_list<I: Into<Inlines>>(self, items: impl IntoIterator<Item = I>) -> Self {
        self.push(Node::bullet_list(items.into_iter().map(|item| vec![Node::paragraph(item)])))
    }

    /// Appends a numbered list with one paragraph per item.
    pub fn ordered_list<I: Into<Inlines>>(self, items: impl IntoIterator<Item = I>) -> Self {
        self.push(Node::ordered_list(items.into_iter().map(|item| vec![Node::paragraph(item)])))
    }

    /// Appends a code block, with its language if given.
    pub fn code_block(self, language: Option<&str>, code: &str) -> Self {
        self.push(Node::code_block(language, code))
    }

    /// Appends a panel holding one paragraph.
    pub fn panel(self, panel_type: PanelType, content: impl Into<Inlines>) -> Self {
        self.push(Node::panel(panel_type, vec![Node::paragraph(content)]))
    }

    /// Appends a table of text cells; the first row is the header row.
    pub fn table<R, C>(self, rows: impl IntoIterator<Item = R>) -> Self
    where
        R: IntoIterator<Item = C>,
        C: Into<Inlines>,
    {
        let rows = rows.into_iter().enumerate().map(|(i, row)| {
            let cell = |content: C| {
                let blocks = vec![Node::paragraph(content)];
                if i == 0 {
                    Node::table_header(blocks)
                } else {
                    Node::table_cell(blocks)
                }
            };
            Node::table_row(row.into_iter().map(cell))
        });
        self.push(Node::table(rows))
    }

    /// Appends a horizontal rule.
    pub fn rule(self) -> Self {
        self.push(Node::rule())
    }
}

impl Node {
    /// A text node (an empty one is not valid ADF: use no node instead).
    pub fn text(text: impl Into<String>) -> Node {
        Node::Text(Text::new(text.into()))
    }

    /// A paragraph.
    pub fn paragraph(content: impl Into<Inlines>) -> Node {
        let mut paragraph = Paragraph::new();
        paragraph.content = Some(content.into().0);
        paragraph.into()
    }

    /// A heading of `level` 1 to 6.
    pub fn heading(level: u8, content: impl Into<Inlines>) -> Node {
        let mut heading = Heading::new(HeadingAttrs::new(level.clamp(1, 6).into()));
        heading.content = Some(content.into().0);
        heading.into()
    }

    /// A list item holding blocks (paragraphs, nested lists ...).
    pub fn list_item(blocks: impl IntoIterator<Item = Node>) -> Node {
        let mut item = ListItem::new();
        item.content = blocks.into_iter().collect();
        item.into()
    }

    /// A bullet list; each item is a list of blocks.
    pub fn bullet_list<B: IntoIterator<Item = Node>>(items: impl IntoIterator<Item = B>) -> Node {
        let mut list = BulletList::new();
        list.content = items.into_iter().map(Node::list_item).collect();
        list.into()
    }

    /// A numbered list; each item is a list of blocks.
    pub fn ordered_list<B: IntoIterator<Item = Node>>(items: impl IntoIterator<Item = B>) -> Node {
        let mut list = OrderedList::new();
        list.content = items.into_iter().map(Node::list_item).collect();
        list.into()
    }

    /// A code block.
    pub fn code_block(language: Option<&str>, code: &str) -> Node {
        let mut block = CodeBlock::new();
        if let Some(language) = language.filter(|l| !l.is_empty()) {
            let mut attrs = CodeBlockAttrs::new();
            attrs.language = Some(language.to_owned());
            block.attrs = Some(attrs);
        }
        if !code.is_empty() {
            block.content = Some(vec![Node::text(code)]);
        }
        block.into()
    }

    /// A panel (info, note, warning ...) holding blocks.
    pub fn panel(panel_type: PanelType, blocks: impl IntoIterator<Item = Node>) -> Node {
        let mut panel = Panel::new(PanelAttrs::new(panel_type));
        panel.content = blocks.into_iter().collect();
        panel.into()
    }

    /// A table of rows.
    pub fn table(rows: impl IntoIterator<Item = Node>) -> Node {
        let mut table = Table::new();
        table.content = rows.into_iter().collect();
        table.into()
    }

    /// A table row of cells or header cells.
    pub fn table_row(cells: impl IntoIterator<Item = Node>) -> Node {
        let mut row = TableRow::new();
        row.content = cells.into_iter().collect();
        row.into()
    }

    /// A table cell holding blocks.
    pub fn table_cell(blocks: impl IntoIterator<Item = Node>) -> Node {
        let mut cell = TableCell::new();
        cell.content = blocks.into_iter().collect();
        cell.into()
    }

    /// A header cell holding blocks.
    pub fn table_header(blocks: impl IntoIterator<Item = Node>) -> Node {
        let mut cell = TableHeader::new();
        cell.content = blocks.into_iter().collect();
        cell.into()
    }

    /// A mention of a user by Atlassian account id, shown as `display` (`@Jane Doe`).
    pub fn mention(account_id: &str, display: Option<&str>) -> Node {
        let mut attrs = MentionAttrs::new(account_id.to_owned());
        attrs.text = display.map(str::to_owned);
        Mention::new(attrs).into()
    }

    /// An emoji by short name (`:smile:`).
    pub fn emoji(short_name: &str) -> Node {
        Emoji::new(EmojiAttrs::new(short_name.to_owned())).into()
    }

    /// A line break inside a paragraph.
    pub fn hard_break() -> Node {
        HardBreak::new().into()
    }

    /// A horizontal rule.
    pub fn rule() -> Node {
        Rule::new().into()
    }

    /// A blockquote holding blocks.
    pub fn blockquote(blocks: impl IntoIterator<Item = Node>) -> Node {
        let mut quote = crate::adf::Blockquote::new();
        quote.content = blocks.into_iter().collect();
        quote.into()
    }

    /// A task list; `local_id` identifies it in the document.
    pub fn task_list(local_id: &str, items: impl IntoIterator<Item = Node>) -> Node {
        let mut list = TaskList::new(TaskListAttrs::new(local_id.to_owned()));
        list.content = items.into_iter().collect();
        list.into()
    }

    /// A task, done or not; `local_id` identifies it in the document.
    pub fn task_item(local_id: &str, done: bool, content: impl Into<Inlines>) -> Node {
        let state = if done { TaskItemState::Done } else { TaskItemState::Todo };
        let mut item = TaskItem::new(TaskItemAttrs::new(local_id.to_owned(), state));
        item.content = Some(content.into().0);
        item.into()
    }
}

impl Text {
    /// The text with a mark added.
    pub fn mark(mut self, mark: Mark) -> Self {
        self.marks.get_or_insert_with(Vec::new).push(mark);
        self
    }

    /// Bold.
    pub fn strong(self) -> Self {
        self.mark(Mark::Strong(crate::adf::StrongMark::new()))
    }

    /// Italic.
    pub fn em(self) -> Self {
        self.mark(Mark::Em(crate::adf::EmMark::new()))
    }

    /// Inline code.
    pub fn code(self) -> Self {
        self.mark(Mark::Code(crate::adf::CodeMark::new()))
    }

    /// Struck through.
    pub fn strike(self) -> Self {
        self.mark(Mark::Strike(crate::adf::StrikeMark::new()))
    }

    /// Underlined.
    pub fn underline(self) -> Self {
        self.mark(Mark::Underline(crate::adf::UnderlineMark::new()))
    }

    /// A link to `href`.
    pub fn link(self, href: &str) -> Self {
        self.mark(Mark::Link(LinkMark::new(LinkMarkAttrs::new(href.to_owned()))))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::new(text.to_owned())
    }
}

//! A parser for the part of RFC 8941 (Structured Field Values for HTTP) that Jira's points headers use: a List
//! of Items with Parameters, such as `"tenant-app-quota";r=17842;t=2107`.
//!
//! It follows the parsing algorithms of RFC 8941 section 4.2 for lists, items, parameters, keys and bare items.
//! Inner lists are refused (no rate-limit header uses them), and so are RFC 9651's dates and display strings.
//! Hand-written rather than the `sfv` crate, which would bring a second version of `base64` into the build.

/// One member of a list: a bare item and its parameters, in the order sent (a repeated key keeps its last value).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) value: BareItem,
    pub(crate) parameters: Parameters,
}

/// The parameters of an item: keys and values, in the order sent.
pub(crate) type Parameters = Vec<(String, BareItem)>;

/// A bare item. Byte sequences are checked but not decoded, since nothing here needs their bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BareItem {
    Integer(i64),
    Decimal(f64),
    String(String),
    Token(String),
    ByteSequence,
    Boolean(bool),
}

/// Parses a List field value (its field lines already joined with commas).
pub(crate) fn parse_list(text: &str) -> Result<Vec<Item>, String> {
    if !text.is_ascii() {
        return Err("not ASCII".to_owned());
    }
    let mut input = Input(text.trim_matches(' ').as_bytes());
    let mut items = Vec::new();
    while !input.0.is_empty() {
        items.push(input.item()?);
        input.skip_whitespace();
        if input.0.is_empty() {
            break;
        }
        if input.next() != Some(b',') {
            return Err("list members are not separated by commas".to_owned());
        }
        input.skip_whitespace();
        if input.0.is_empty() {
            return Err("the list ends with a comma".to_owned());
        }
    }
    Ok(items)
}

/// The unparsed rest of a field value.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// Takes bytes while `keep` holds, as text (the input is ASCII).
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> String {
        let end = self.0.iter().position(|&byte| !keep(byte)).unwrap_or(self.0.len());
        let (taken, rest) = self.0.split_at(end);
        self.0 = rest;
        String::from_utf8_lossy(taken).into_owned()
    }

    fn skip_whitespace(&mut self) {
        self.take_while(|byte| byte == b' ' || byte == b'\t');
    }

    fn item(&mut self) -> Result<Item, String> {
        if self.peek() == Some(b'(') {
            return Err("inner lists are not supported".to_owned());
        }
        let value = self.bare_item()?;
        Ok(Item { value, parameters: self.parameters()? })
    }

    fn parameters(&mut self) -> Result<Parameters, String> {
        let mut parameters = Parameters::new();
        while self.peek() == Some(b';') {
            self.next();
            self.take_while(|byte| byte == b' ');
            let key = self.key()?;
            let value = if self.peek() == Some(b'=') {
                self.next();
                self.bare_item()?
            } else {
                BareItem::Boolean(true)
            };
            match parameters.iter_mut().find(|(known, _)| *known == key) {
                Some((_, known)) => *known = value,
                None => parameters.push((key, value)),
            }
        }
        Ok(parameters)
    }

    fn key(&mut self) -> Result<String, String> {
        if !self.peek().is_some_and(|byte| byte.is_ascii_lowercase() || byte == b'*') {
            return Err("a parameter key does not start with a lowercase letter or `*`".to_owned());
        }
        Ok(self.take_while(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"_-.*".contains(&byte)))
    }

    fn bare_item(&mut self) -> Result<BareItem, String> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => self.string(),
            Some(byte) if byte.is_ascii_alphabetic() || byte == b'*' => {
                Ok(BareItem::Token(self.take_while(|byte| is_tchar(byte) || byte == b':' || byte == b'/')))
            }
            Some(b':') => self.byte_sequence(),
            Some(b'?') => {
                self.next();
                match self.next() {
                    Some(b'1') => Ok(BareItem::Boolean(true)),
                    Some(b'0') => Ok(BareItem::Boolean(false)),
                    _ => Err("a boolean is neither `?0` nor `?1`".to_owned()),
                }
            }
            _ => Err("an item is none of integer, decimal, string, token, byte sequence or boolean".to_owned()),
        }
    }

    /// An integer (at most 15 digits) or a decimal (at most 12 digits, a dot, 1 to 3 digits).
    fn number(&mut self) -> Result<BareItem, String> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.next();
        }
        let whole = self.take_while(|byte| byte.is_ascii_digit());
        if whole.is_empty() {
            return Err("a number has no digits".to_owned());
        }
        if self.peek() != Some(b'.') {
            if whole.len() > 15 {
                return Err("an integer has more than 15 digits".to_owned());
            }
            // At most 15 digits always fit.
            let magnitude: i64 = whole.parse().map_err(|_| "an integer does not parse".to_owned())?;
            return Ok(BareItem::Integer(if negative { -magnitude } else { magnitude }));
        }
        self.next();
        let fraction = self.take_while(|byte| byte.is_ascii_digit());
        if whole.len() > 12 || fraction.is_empty() || fraction.len() > 3 {
            return Err("a decimal has too many digits, or none after the dot".to_owned());
        }
        let magnitude: f64 =
            format!("{whole}.{fraction}").parse().map_err(|_| "a decimal does not parse".to_owned())?;
        Ok(BareItem::Decimal(if negative { -magnitude } else { magnitude }))
    }

    fn string(&mut self) -> Result<BareItem, String> {
        self.next();
        let mut text = String::new();
        loop {
            match self.next() {
                Some(b'"') => return Ok(BareItem::String(text)),
                Some(b'\\') => match self.next() {
                    Some(escaped @ (b'"' | b'\\')) => text.push(char::from(escaped)),
                    _ => return Err("a string has an escape other than `\\\"` or `\\\\`".to_owned()),
                },
                Some(byte @ 0x20..=0x7e) => text.push(char::from(byte)),
                Some(_) => return Err("a string holds a control character".to_owned()),
                None => return Err("a string is not closed".to_owned()),
            }
        }
    }

    fn byte_sequence(&mut self) -> Result<BareItem, String> {
        self.next();
        self.take_while(|byte| byte.is_ascii_alphanumeric() || b"+/=".contains(&byte));
        match self.next() {
            Some(b':') => Ok(BareItem::ByteSequence),
            _ => Err("a byte sequence is not base64 closed by `:`".to_owned()),
        }
    }
}

/// RFC 9110's `tchar`: the characters of a token.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(value: BareItem, parameters: &[(&str, BareItem)]) -> Item {
        Item { value, parameters: parameters.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect() }
    }

    #[test]
    fn lists_of_parameterised_items_are_read() {
        let parsed = parse_list(r#""tenant-app-quota";r=17842;t=2107"#).unwrap();
        let expected = item(
            BareItem::String("tenant-app-quota".to_owned()),
            &[("r", BareItem::Integer(17842)), ("t", BareItem::Integer(2107))],
        );
        assert_eq!(parsed, [expected]);
        let parsed = parse_list("  a;x ,\t*b;y=?0;z=-1.25;w=:YWJj:;s=\"q\\\"\\\\\";k=tok/en:1 ,c;x=1;x=2 ").unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0], item(BareItem::Token("a".to_owned()), &[("x", BareItem::Boolean(true))]));
        let b = &parsed[1].parameters;
        assert_eq!(b[0], ("y".to_owned(), BareItem::Boolean(false)));
        assert_eq!(b[1], ("z".to_owned(), BareItem::Decimal(-1.25)));
        assert_eq!(b[2], ("w".to_owned(), BareItem::ByteSequence));
        assert_eq!(b[3], ("s".to_owned(), BareItem::String("q\"\\".to_owned())));
        assert_eq!(b[4], ("k".to_owned(), BareItem::Token("tok/en:1".to_owned())));
        assert_eq!(parsed[2].parameters, [("x".to_owned(), BareItem::Integer(2))], "the last value of a key wins");
        assert_eq!(parse_list("").unwrap(), []);
        assert_eq!(parse_list("-999999999999999").unwrap()[0].value, BareItem::Integer(-999_999_999_999_999));
    }

    #[test]
    fn malformed_values_are_errors() {
        for text in [
            "a,",
            "a,,b",
            "a b",
            "(a b);q=1",
            r#""unterminated"#,
            r#""bad \n escape""#,
            "\"tab\tinside\"",
            "a;Upper=1",
            "a;=1",
            "a;q=",
            "1234567890123456",
            "1234567890123.1",
            "1.2345",
            "1.",
            "-",
            "?2",
            ":YWJj",
            "@1659578233",
            "%\"display\"",
            "é",
        ] {
            assert!(parse_list(text).is_err(), "{text:?} should not parse");
        }
    }
}

//! [`CommaList`]: several strings sent as one comma-separated query value, as Jira's `expand` parameters take.

use std::fmt;

/// A list of strings sent as one comma-separated value, such as Jira's `expand=names,changelog`.
///
/// Setters that take a `CommaList` accept a single string, an array, or a vector:
///
/// ```
/// use atlassian_client::CommaList;
///
/// assert_eq!(CommaList::from("names").to_string(), "names");
/// assert_eq!(CommaList::from(["names", "changelog"]).to_string(), "names,changelog");
/// assert_eq!(CommaList::from(vec![String::from("renderedFields")]).to_string(), "renderedFields");
/// ```
///
/// Items are kept as given: a string that already holds commas (`"names,changelog"`) stays one item, which the
/// server reads as the same list. On the wire the list is one query value: [`Display`](fmt::Display) joins the
/// items with `,`, and [`Request::query_list`](crate::runtime::Request::query_list) with `explode = false`
/// sends them with literal separating commas (sending nothing for an empty list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CommaList(Vec<String>);

impl CommaList {
    /// An empty list.
    pub fn new() -> CommaList {
        CommaList(Vec::new())
    }

    /// Appends one item.
    pub fn push(&mut self, item: impl Into<String>) {
        self.0.push(item.into());
    }

    /// The items, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Iterates over the items, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list has no items.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Joins the items with `,`, without spaces.
impl fmt::Display for CommaList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, item) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            f.write_str(item)?;
        }
        Ok(())
    }
}

impl From<&str> for CommaList {
    fn from(item: &str) -> CommaList {
        CommaList(vec![item.to_owned()])
    }
}

impl From<String> for CommaList {
    fn from(item: String) -> CommaList {
        CommaList(vec![item])
    }
}

impl From<&String> for CommaList {
    fn from(item: &String) -> CommaList {
        CommaList(vec![item.clone()])
    }
}

/// `["names", "changelog"]`, or an array of `String`s.
impl<S: Into<String>, const N: usize> From<[S; N]> for CommaList {
    fn from(items: [S; N]) -> CommaList {
        items.into_iter().collect()
    }
}

/// A `Vec<String>` or a `Vec<&str>`.
impl<S: Into<String>> From<Vec<S>> for CommaList {
    fn from(items: Vec<S>) -> CommaList {
        items.into_iter().collect()
    }
}

impl From<&[&str]> for CommaList {
    fn from(items: &[&str]) -> CommaList {
        items.iter().copied().collect()
    }
}

impl<S: Into<String>> FromIterator<S> for CommaList {
    fn from_iter<I: IntoIterator<Item = S>>(items: I) -> CommaList {
        CommaList(items.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>> Extend<S> for CommaList {
    fn extend<I: IntoIterator<Item = S>>(&mut self, items: I) {
        self.0.extend(items.into_iter().map(Into::into));
    }
}

impl IntoIterator for CommaList {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a CommaList {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a generated setter does: `fn expand(self, expand: impl Into<CommaList>)`.
    fn setter(list: impl Into<CommaList>) -> String {
        list.into().to_string()
    }

    #[test]
    fn comma_lists_accept_a_string_an_array_or_a_vector_and_join_with_commas() {
        assert_eq!(setter("names"), "names");
        assert_eq!(setter(String::from("names")), "names");
        let borrowed = String::from("names");
        assert_eq!(setter(&borrowed), borrowed);
        assert_eq!(setter(["names", "changelog"]), "names,changelog");
        assert_eq!(setter([String::from("names"), String::from("schema")]), "names,schema");
        assert_eq!(setter(vec!["a", "b", "c"]), "a,b,c");
        assert_eq!(setter(vec![String::from("a"), String::from("b")]), "a,b");
        assert_eq!(setter(&["x", "y"][..]), "x,y");
        assert_eq!(setter(Vec::<String>::new()), "");
    }

    #[test]
    fn comma_list_items_are_kept_as_given() {
        let mut list = CommaList::from("names,changelog");
        assert_eq!(list.len(), 1);
        list.push("schema");
        list.extend(["operations"]);
        assert_eq!(list.as_slice(), ["names,changelog", "schema", "operations"]);
        assert_eq!(list.to_string(), "names,changelog,schema,operations");
        assert!(CommaList::new().is_empty());
        let collected: CommaList = ["a", "b"].into_iter().collect();
        assert_eq!(collected.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!((&collected).into_iter().count(), 2);
        assert_eq!(collected.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}

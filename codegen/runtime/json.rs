//! Decoding JSON into the crate's types: one plain function per type, reading the text as it
//! goes.
//!
//! serde's derived `Deserialize` is generic over the deserializer, so every type's visitors
//! (and serde_json's parser around them) are compiled for each format that reads it, and they
//! were most of the crate's build time. Here the parser ([`Parser`]) is compiled once, and each
//! type reads its fields from it with [`FromJson`], a function that is not generic. Keys and
//! strings without escapes are borrowed from the text. The types still implement
//! `Deserialize` (through a `serde_json::Value`) for users who read them from elsewhere.
//!
//! Decoding knows where it is: an error says which field of which element failed.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A type read from JSON.
pub trait FromJson: Sized {
    /// Reads a `Self` from the next value of `p`.
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError>;
}

/// Nesting deeper than this is refused, as serde_json does, so that no text can exhaust the
/// stack.
const MAX_DEPTH: usize = 128;

/// A JSON text, read value by value.
pub struct Parser<'a> {
    /// The text, checked as UTF-8 once (a string between quotes is then a `str` as it is).
    source: &'a str,
    at: usize,
    depth: usize,
    /// Properties skipped because no field takes them.
    pub(crate) ignored: usize,
}

/// A JSON number as the text writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Integer(i64),
    Unsigned(u64),
    Float(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Integer(n) => write!(f, "{n}"),
            Number::Unsigned(n) => write!(f, "{n}"),
            Number::Float(n) => write!(f, "{n}"),
        }
    }
}

impl<'a> Parser<'a> {
    pub fn new(source: &'a str) -> Self {
        Parser {
            source,
            at: 0,
            depth: 0,
            ignored: 0,
        }
    }

    /// The text's bytes, where the parser steps.
    #[inline]
    fn bytes(&self) -> &'a [u8] {
        self.source.as_bytes()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.at) {
            self.at += 1;
        }
    }

    /// The first byte of the next value (or punctuation).
    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.bytes().get(self.at).copied()
    }

    /// An error in the text itself, with its line and column.
    fn syntax(&self, what: &str) -> JsonError {
        syntax_error(self.bytes(), self.at, what)
    }

    fn eat(&mut self, byte: u8) -> Result<(), JsonError> {
        match self.peek() {
            Some(found) if found == byte => {
                self.at += 1;
                Ok(())
            }
            Some(found) => Err(self.syntax(&format!(
                "expected `{}`, found `{}`",
                char::from(byte),
                char::from(found)
            ))),
            None => Err(self.syntax(&format!(
                "expected `{}`, found the end of the text",
                char::from(byte)
            ))),
        }
    }

    /// What the next value is, for an error: `the string "x"`, `an object`, ...
    fn found(&mut self) -> String {
        let mut probe = Parser {
            source: self.source,
            at: self.at,
            depth: 0,
            ignored: 0,
        };
        match probe.peek() {
            None => "the end of the text".to_owned(),
            Some(b'{') => "an object".to_owned(),
            Some(b'[') => "an array".to_owned(),
            Some(b'n') => "null".to_owned(),
            Some(b'"') => match probe.string() {
                Ok(s) if s.len() <= 40 => format!("the string {s:?}"),
                _ => "a string".to_owned(),
            },
            Some(b't' | b'f') => match probe.boolean() {
                Ok(b) => format!("the boolean {b}"),
                Err(_) => "an invalid value".to_owned(),
            },
            Some(b'-' | b'0'..=b'9') => match probe.number() {
                Ok(n) => format!("the number {n}"),
                Err(_) => "an invalid number".to_owned(),
            },
            Some(other) => format!("`{}`", char::from(other)),
        }
    }

    /// Whether an element of the container that `close` ends comes next (past the comma
    /// between elements), or the container ends (past `close`).
    #[inline]
    fn next_element(&mut self, close: u8, first: &mut bool) -> Result<bool, JsonError> {
        if self.peek() == Some(close) {
            self.at += 1;
            self.depth -= 1;
            return Ok(false);
        }
        if !std::mem::replace(first, false) {
            self.eat(b',')?;
        }
        Ok(true)
    }

    /// The next value is not a `what`.
    fn mismatch(&mut self, what: &str) -> JsonError {
        JsonError::new(format!("expected {what}, found {}", self.found()))
    }

    fn literal(&mut self, word: &str) -> Result<(), JsonError> {
        self.space();
        match self.bytes().get(self.at..) {
            Some(rest) if rest.starts_with(word.as_bytes()) => {
                self.at += word.len();
                Ok(())
            }
            _ => Err(self.syntax("invalid value")),
        }
    }

    /// Whether the next value is `null` (then read), or something else (left).
    pub fn null(&mut self) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b'n') => self.literal("null").map(|()| true),
            _ => Ok(false),
        }
    }

    pub fn boolean(&mut self) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| true),
            Some(b'f') => self.literal("false").map(|()| false),
            _ => Err(self.mismatch("a boolean")),
        }
    }

    /// A string: borrowed from the text unless it holds escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.mismatch("a string"));
        }
        self.at += 1;
        let start = self.at;
        let rest = self.bytes().get(start..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | 0..0x20));
        self.at = start + end.unwrap_or(rest.len());
        match self.bytes().get(self.at) {
            None => return Err(self.syntax("unterminated string")),
            Some(b'"') => {
                let text = self.source.get(start..self.at);
                self.at += 1;
                return text
                    .map(Cow::Borrowed)
                    .ok_or_else(|| self.syntax("invalid UTF-8 in a string"));
            }
            Some(b'\\') => {}
            Some(_) => return Err(self.syntax("control character in a string")),
        }
        let mut unescaped = self
            .bytes()
            .get(start..self.at)
            .unwrap_or_default()
            .to_vec();
        loop {
            match self.bytes().get(self.at).copied() {
                None => return Err(self.syntax("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(b'\\') => {
                    let escape = self.bytes().get(self.at + 1).copied();
                    self.at += 2;
                    match escape {
                        Some(b'"') => unescaped.push(b'"'),
                        Some(b'\\') => unescaped.push(b'\\'),
                        Some(b'/') => unescaped.push(b'/'),
                        Some(b'b') => unescaped.push(0x08),
                        Some(b'f') => unescaped.push(0x0c),
                        Some(b'n') => unescaped.push(b'\n'),
                        Some(b'r') => unescaped.push(b'\r'),
                        Some(b't') => unescaped.push(b'\t'),
                        Some(b'u') => {
                            let c = self.unicode_escape()?;
                            unescaped.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        _ => return Err(self.syntax("invalid escape in a string")),
                    }
                }
                Some(byte) if byte < 0x20 => {
                    return Err(self.syntax("control character in a string"));
                }
                Some(byte) => {
                    unescaped.push(byte);
                    self.at += 1;
                }
            }
        }
        String::from_utf8(unescaped)
            .map(Cow::Owned)
            .map_err(|_| self.syntax("invalid UTF-8 in a string"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .source
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match digits {
            Some(value) => {
                self.at += 4;
                Ok(value)
            }
            None => Err(self.syntax("invalid \\u escape")),
        }
    }

    /// The character of a `\u` escape (the `\u` read), a surrogate pair taken whole.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes().get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.syntax("lone surrogate in a \\u escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.syntax("lone surrogate in a \\u escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.syntax("lone surrogate in a \\u escape")),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.syntax("invalid \\u escape"))
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.bytes().get(self.at) {
            self.at += 1;
        }
        self.at - start
    }

    pub fn number(&mut self) -> Result<Number, JsonError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.mismatch("a number"));
        }
        let start = self.at;
        let negative = self.bytes().get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        // Integers, the common case, are read as they are scanned.
        let mut magnitude: Option<u64> = Some(0);
        let digits_start = self.at;
        while let Some(&digit @ b'0'..=b'9') = self.bytes().get(self.at) {
            magnitude = magnitude
                .and_then(|m| m.checked_mul(10))
                .and_then(|m| m.checked_add(u64::from(digit - b'0')));
            self.at += 1;
        }
        if self.at == digits_start {
            return Err(self.syntax("invalid number"));
        }
        let mut float = false;
        if !matches!(self.bytes().get(self.at), Some(b'.' | b'e' | b'E')) {
            match (negative, magnitude) {
                (false, Some(m)) => {
                    return Ok(i64::try_from(m).map_or(Number::Unsigned(m), Number::Integer));
                }
                (true, Some(m)) if m <= i64::MIN.unsigned_abs() => {
                    return Ok(Number::Integer((m as i64).wrapping_neg()));
                }
                _ => {}
            }
        }
        if self.bytes().get(self.at) == Some(&b'.') {
            float = true;
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.syntax("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes().get(self.at) {
            float = true;
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes().get(self.at) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax("invalid number"));
            }
        }
        let text = self.source.get(start..self.at).unwrap_or_default();
        if !float {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Number::Integer(n));
            }
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Number::Unsigned(n));
            }
        }
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Number::Float(n)),
            _ => Err(self.syntax("number out of range")),
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        match self.depth > MAX_DEPTH {
            true => Err(self.syntax("too deeply nested")),
            false => Ok(()),
        }
    }

    /// Starts reading an object: then [`Members::next_key`] until it says there is no more.
    pub fn object(&mut self, what: &str) -> Result<Members, JsonError> {
        if self.peek() != Some(b'{') {
            return Err(self.mismatch(what));
        }
        self.at += 1;
        self.enter()?;
        Ok(Members { first: true })
    }

    /// Starts reading an array: then [`Items::next`] until it says there is no more.
    pub fn array(&mut self) -> Result<Items, JsonError> {
        if self.peek() != Some(b'[') {
            return Err(self.mismatch("an array"));
        }
        self.at += 1;
        self.enter()?;
        Ok(Items { first: true })
    }

    /// Skips the next value.
    pub fn skip(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'{') => {
                let mut members = self.object("an object")?;
                while members.next_key(self)?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                let mut items = self.array()?;
                while items.next(self)? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b't' | b'f') => self.boolean().map(drop),
            Some(b'n') => self.literal("null"),
            _ => self.number().map(drop),
        }
    }

    /// The text of the next value, skipped.
    fn raw(&mut self) -> Result<&'a str, JsonError> {
        self.space();
        let start = self.at;
        self.skip()?;
        Ok(self.source.get(start..self.at).unwrap_or_default())
    }

    /// Where the parser is (position, nesting depth), to come back to it.
    pub(crate) fn position(&self) -> (usize, usize) {
        (self.at, self.depth)
    }

    pub(crate) fn rewind(&mut self, (at, depth): (usize, usize)) {
        self.at = at;
        self.depth = depth;
    }

    /// Reads the value of the member `key` into `slot`; an error says where.
    pub fn field<T: FromJson>(&mut self, slot: &mut Option<T>, key: &str) -> Result<(), JsonError> {
        match T::from_json(self) {
            Ok(value) => {
                *slot = Some(value);
                Ok(())
            }
            Err(e) => Err(e.at_key(key)),
        }
    }

    /// Skips the value of a member no field takes, and counts it.
    pub fn unknown(&mut self) -> Result<(), JsonError> {
        self.ignored += 1;
        self.skip()
    }
}

/// The members of an object being read.
pub struct Members {
    first: bool,
}

impl Members {
    /// The next member's key (its value comes next), or `None` after the last.
    pub fn next_key<'a>(&mut self, p: &mut Parser<'a>) -> Result<Option<Cow<'a, str>>, JsonError> {
        if !p.next_element(b'}', &mut self.first)? {
            return Ok(None);
        }
        if p.peek() != Some(b'"') {
            return Err(p.syntax("expected a key"));
        }
        let key = p.string()?;
        p.eat(b':')?;
        Ok(Some(key))
    }
}

/// The items of an array being read.
pub struct Items {
    first: bool,
}

impl Items {
    /// Whether an item comes next.
    pub fn next(&mut self, p: &mut Parser<'_>) -> Result<bool, JsonError> {
        p.next_element(b']', &mut self.first)
    }
}

/// The members of an object that no field took, kept for a flattened field.
#[derive(Default)]
pub struct Rest<'a> {
    members: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> Rest<'a> {
    /// Keeps the member `key`, whose value comes next.
    pub fn keep(&mut self, key: Cow<'a, str>, p: &mut Parser<'a>) -> Result<(), JsonError> {
        let raw = p.raw()?;
        self.members.push((key, raw));
        Ok(())
    }

    /// The kept members, read as a `T` (what `T` leaves unread counts in `p`).
    pub fn decode<T: FromJson>(self, p: &mut Parser<'_>) -> Result<T, JsonError> {
        let mut text = String::from("{");
        for (index, (key, raw)) in self.members.iter().enumerate() {
            if index > 0 {
                text.push(',');
            }
            text.push_str(&Value::from(key.as_ref()).to_string());
            text.push(':');
            text.push_str(raw);
        }
        text.push('}');
        let mut inner = Parser::new(&text);
        let decoded = T::from_json(&mut inner)?;
        p.ignored += inner.ignored;
        Ok(decoded)
    }
}

/// A required field's value, or the error that it is missing.
pub fn required<T>(slot: Option<T>, key: &str) -> Result<T, JsonError> {
    match slot {
        Some(value) => Ok(value),
        None => Err(JsonError::new(format!("missing field `{key}`"))),
    }
}

/// An optional field's value (absent and `null` are both `None`).
pub fn optional<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

/// Why a JSON text does not decode into a type, and where (a JSON path such as
/// `data[3].channel.id`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError(Box<Failure>);

/// Boxed, so that the `Result`s of the happy path stay small.
#[derive(Debug, Clone, PartialEq)]
struct Failure {
    /// The steps from the root, innermost first (errors gain a step as they leave a level).
    steps: Vec<Step>,
    message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> Self {
        JsonError(Box::new(Failure {
            steps: Vec::new(),
            message: message.into(),
        }))
    }

    fn at(mut self, step: Step) -> Self {
        self.0.steps.push(step);
        self
    }

    fn at_key(self, key: &str) -> Self {
        self.at(Step::Key(key.to_owned()))
    }

    /// The JSON path of the value that failed (empty for the root).
    pub fn path(&self) -> String {
        let mut path = String::new();
        for step in self.0.steps.iter().rev() {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        path
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path().as_str() {
            "" => f.write_str(&self.0.message),
            path => write!(f, "at `{path}`: {}", self.0.message),
        }
    }
}

impl std::error::Error for JsonError {}

/// `what` at the byte `at` of `text`, with its line and column.
fn syntax_error(text: &[u8], at: usize, what: &str) -> JsonError {
    let before = text.get(..at).unwrap_or(text);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before.len() - line_start + 1;
    JsonError::new(format!("{what} at line {line} column {column}"))
}

/// Decodes a JSON text into one of the crate's types, as the client decodes responses: the
/// fast way to read a body kept from earlier (serde's `Deserialize` works too, through an
/// intermediate `serde_json::Value`).
///
/// ```
/// # fn run() -> Result<(), peertube_client::JsonError> {
/// let ids: Vec<i64> = peertube_client::from_slice(b"[1, 2, 3]")?;
/// assert_eq!(ids, [1, 2, 3]);
/// # Ok(())
/// # }
/// # run().unwrap();
/// ```
pub fn from_slice<T: FromJson>(text: &[u8]) -> Result<T, JsonError> {
    let source = std::str::from_utf8(text)
        .map_err(|e| syntax_error(text, e.valid_up_to(), "invalid UTF-8"))?;
    let mut p = Parser::new(source);
    let decoded = T::from_json(&mut p)?;
    match p.peek() {
        None => Ok(decoded),
        Some(_) => Err(p.syntax("trailing characters")),
    }
}

/// `T` through serde, for the leaf types that bring their own `Deserialize`.
pub fn via_serde<T: DeserializeOwned>(p: &mut Parser<'_>) -> Result<T, JsonError> {
    let raw = p.raw()?;
    serde_json::from_str(raw).map_err(|e| JsonError::new(e.to_string()))
}

/// The `Deserialize` of the crate's types: any self-describing format, read as a
/// `serde_json::Value` and then as JSON text.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromJson,
{
    use serde::de::Error as _;
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    let text = serde_json::to_vec(&value).map_err(D::Error::custom)?;
    from_slice(&text).map_err(D::Error::custom)
}

impl FromJson for Value {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        via_serde(p)
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        if p.peek() != Some(b'{') {
            return Err(p.mismatch("an object"));
        }
        via_serde(p)
    }
}

impl FromJson for String {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        p.string().map(Cow::into_owned)
    }
}

impl FromJson for bool {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        p.boolean()
    }
}

impl FromJson for f64 {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        match p.number()? {
            Number::Float(n) => Ok(n),
            Number::Integer(n) => Ok(n as f64),
            Number::Unsigned(n) => Ok(n as f64),
        }
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
                const WHAT: &str = concat!("an integer (", stringify!($t), ")");
                if !matches!(p.peek(), Some(b'-' | b'0'..=b'9')) {
                    return Err(p.mismatch(WHAT));
                }
                let number = p.number()?;
                let integer = match number {
                    Number::Integer(n) => <$t>::try_from(n).ok(),
                    Number::Unsigned(n) => <$t>::try_from(n).ok(),
                    Number::Float(_) => None,
                };
                integer.ok_or_else(|| {
                    JsonError::new(format!("expected {WHAT}, found the number {number}"))
                })
            }
        }
    )*};
}

integers!(i64, i32, u64, u32, u16);

/// A string parsed with `FromStr`, as serde reads dates and UUIDs from JSON.
fn parsed<T: FromStr>(p: &mut Parser<'_>, what: &str) -> Result<T, JsonError>
where
    T::Err: fmt::Display,
{
    if p.peek() != Some(b'"') {
        return Err(p.mismatch(what));
    }
    p.string()?
        .parse()
        .map_err(|e| JsonError::new(format!("expected {what}: {e}")))
}

impl FromJson for chrono::DateTime<chrono::Utc> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        parsed::<chrono::DateTime<chrono::FixedOffset>>(p, "a date and time (RFC 3339)")
            .map(|at| at.with_timezone(&chrono::Utc))
    }
}

impl FromJson for uuid::Uuid {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        parsed(p, "a UUID")
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        match p.null() {
            Ok(true) => Ok(None),
            Ok(false) => match T::from_json(p) {
                Ok(decoded) => Ok(Some(decoded)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        match T::from_json(p) {
            Ok(decoded) => Ok(Box::new(decoded)),
            Err(e) => Err(e),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        let mut items = p.array()?;
        let mut decoded = Vec::new();
        while items.next(p)? {
            match T::from_json(p) {
                Ok(item) => decoded.push(item),
                Err(e) => return Err(e.at(Step::Index(decoded.len()))),
            }
        }
        Ok(decoded)
    }
}

impl<T: FromJson> FromJson for std::collections::BTreeMap<String, T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        let mut members = p.object("an object")?;
        let mut decoded = std::collections::BTreeMap::new();
        while let Some(key) = members.next_key(p)? {
            match T::from_json(p) {
                Ok(item) => {
                    decoded.insert(key.into_owned(), item);
                }
                Err(e) => return Err(e.at_key(&key)),
            }
        }
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_types::Channel;

    fn decode<T: FromJson>(text: &str) -> Result<T, JsonError> {
        from_slice(text.as_bytes())
    }

    #[test]
    fn fields_absent_null_and_set() {
        let absent: Channel = decode(r#"{"id": 1}"#).unwrap();
        assert_eq!((absent.name, absent.support), (None, None));
        let null: Channel = decode(r#"{"id": 1, "name": null, "support": null}"#).unwrap();
        assert_eq!((null.name, null.support), (None, Some(None)));
        let set: Channel = decode(r#"{"support": "b", "name": "a", "id": 1}"#).unwrap();
        assert_eq!(
            (set.name.as_deref(), set.support),
            (Some("a"), Some(Some("b".to_owned())))
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let error = decode::<Vec<Channel>>(r#"[{"id": 1}, {"id": "x"}]"#).unwrap_err();
        assert_eq!(error.path(), "[1].id");
        assert_eq!(
            error.to_string(),
            r#"at `[1].id`: expected an integer (i64), found the string "x""#
        );
        let missing = decode::<Channel>(r#"{"name": "a"}"#).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `id`");
        let nested = decode::<std::collections::BTreeMap<String, Vec<Channel>>>(
            r#"{"list": [{"id": 1.5}]}"#,
        )
        .unwrap_err();
        assert_eq!(nested.path(), "list[0].id");
        assert_eq!(
            nested.message(),
            "expected an integer (i64), found the number 1.5"
        );
        let not_object = decode::<Channel>("3").unwrap_err();
        assert_eq!(
            not_object.to_string(),
            "expected an object (`Channel`), found the number 3"
        );
    }

    #[test]
    fn syntax_errors_give_the_path_and_the_position() {
        let error = decode::<Vec<Channel>>("[{\"id\": 1},\n {\"id\": 2,").unwrap_err();
        assert_eq!(error.path(), "[1]");
        assert_eq!(error.message(), "expected a key at line 2 column 11");
        assert!(decode::<Channel>(r#"{"id": 1} x"#).is_err());
        assert!(decode::<Channel>(r#"{"id": 1,}"#).is_err());
        assert!(decode::<Vec<i64>>("[1,]").is_err());
        assert!(decode::<Vec<i64>>("[1 2]").is_err());
        assert!(decode::<String>("\"a\u{1}\"").is_err());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(decode::<Value>(&deep).is_err());
    }

    #[test]
    fn strings_unescape_and_borrow() {
        let mut p = Parser::new(r#""plain" "a\"b\\c\/d\n\u00e9\ud83d\ude00""#);
        assert!(matches!(p.string().unwrap(), Cow::Borrowed("plain")));
        assert_eq!(p.string().unwrap(), "a\"b\\c/d\n\u{e9}\u{1f600}");
        assert!(decode::<String>(r#""\ud83d""#).is_err());
        assert!(decode::<String>(r#""\x""#).is_err());
        let invalid = from_slice::<String>(b"\n \"a\xff\"").unwrap_err();
        assert_eq!(invalid.message(), "invalid UTF-8 at line 2 column 4");
    }

    #[test]
    fn unread_properties_are_counted() {
        let mut p = Parser::new(
            r#"[{"id": 1, "extra": {"a": [1, "]"]}}, {"id": 2, "more": 1, "again": null}]"#,
        );
        let channels = Vec::<Channel>::from_json(&mut p).unwrap();
        assert_eq!(channels.len(), 2);
        assert_eq!(p.ignored, 3);
    }

    #[test]
    fn numbers_keep_their_range() {
        assert_eq!(decode::<i32>("7").unwrap(), 7);
        assert!(decode::<i32>("1099511627776").is_err());
        assert!(decode::<u16>("-1").is_err());
        assert_eq!(decode::<u64>("18446744073709551615").unwrap(), u64::MAX);
        assert_eq!(decode::<f64>("3").unwrap(), 3.0);
        assert_eq!(decode::<f64>("-2.5e-3").unwrap(), -0.0025);
        assert!(decode::<f64>("1e400").is_err());
        assert_eq!(decode::<i64>("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(decode::<i64>("-12").unwrap(), -12);
        assert_eq!(
            decode::<f64>("18446744073709551616").unwrap(),
            18446744073709551616.0
        );
        assert!(decode::<i64>("-9223372036854775809").is_err());
        assert!(decode::<f64>("1.").is_err());
        assert!(decode::<f64>("-").is_err());
    }

    #[test]
    fn leaves_and_containers() {
        let at: chrono::DateTime<chrono::Utc> = decode(r#""2024-05-01T10:00:00.000Z""#).unwrap();
        assert_eq!(at.to_rfc3339(), "2024-05-01T10:00:00+00:00");
        assert!(decode::<uuid::Uuid>(r#""9c9de5e8-0a1e-484a-b099-e80766180a6d""#).is_ok());
        assert!(decode::<uuid::Uuid>(r#""nope""#).is_err());
        let any: Value = decode(r#" {"b": [1, {"c": null}], "a": "x"} "#).unwrap();
        assert_eq!(any.to_string(), r#"{"b":[1,{"c":null}],"a":"x"}"#);
        let list: Vec<Option<bool>> = decode("[true, null, false]").unwrap();
        assert_eq!(list, [Some(true), None, Some(false)]);
        let map: std::collections::BTreeMap<String, i64> = decode(r#"{"x": 1, "y": 2}"#).unwrap();
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn deserialize_reads_any_self_describing_format() {
        let mut de = serde_json::Deserializer::from_str(r#"{"id": 4, "name": "x"}"#);
        let channel: Channel = deserialize(&mut de).unwrap();
        assert_eq!(channel.id, 4);
    }
}

/// Types decoded the way the generator writes `FromJson` (one `?` per member, then the struct
/// built from its locals), for the runtime's tests.
#[cfg(test)]
pub(crate) mod test_types {
    use super::{FromJson, JsonError, Parser, optional, required};

    #[derive(Debug, PartialEq)]
    pub(crate) struct Channel {
        pub id: i64,
        pub name: Option<String>,
        pub support: Option<Option<String>>,
    }

    impl FromJson for Channel {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
            let mut id = None;
            let mut name = None;
            let mut support = None;
            let mut members = p.object("an object (`Channel`)")?;
            while let Some(key) = members.next_key(p)? {
                match &*key {
                    "id" => p.field(&mut id, "id"),
                    "name" => p.field(&mut name, "name"),
                    "support" => p.field(&mut support, "support"),
                    _ => p.unknown(),
                }?;
            }
            Ok(Channel {
                id: required(id, "id")?,
                name: optional(name),
                support,
            })
        }
    }

    #[derive(Debug, PartialEq)]
    pub(crate) struct Video {
        pub id: i64,
        pub channel: Channel,
    }

    impl FromJson for Video {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
            let mut id = None;
            let mut channel = None;
            let mut members = p.object("an object (`Video`)")?;
            while let Some(key) = members.next_key(p)? {
                match &*key {
                    "id" => p.field(&mut id, "id"),
                    "channel" => p.field(&mut channel, "channel"),
                    _ => p.unknown(),
                }?;
            }
            Ok(Video {
                id: required(id, "id")?,
                channel: required(channel, "channel")?,
            })
        }
    }

    /// A page whose items are maps, for errors deep in a body.
    #[derive(Debug, PartialEq)]
    pub(crate) struct Page {
        pub total: i64,
        pub data: Vec<std::collections::BTreeMap<String, Channel>>,
    }

    impl FromJson for Page {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
            let mut total = None;
            let mut data = None;
            let mut members = p.object("an object (`Page`)")?;
            while let Some(key) = members.next_key(p)? {
                match &*key {
                    "total" => p.field(&mut total, "total"),
                    "data" => p.field(&mut data, "data"),
                    _ => p.unknown(),
                }?;
            }
            Ok(Page {
                total: required(total, "total")?,
                data: required(data, "data")?,
            })
        }
    }

    #[derive(Debug, PartialEq)]
    pub(crate) struct User {
        pub id: i64,
    }

    impl FromJson for User {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
            let mut id = None;
            let mut members = p.object("an object (`User`)")?;
            while let Some(key) = members.next_key(p)? {
                match &*key {
                    "id" => p.field(&mut id, "id"),
                    _ => p.unknown(),
                }?;
            }
            Ok(User {
                id: required(id, "id")?,
            })
        }
    }

    /// A `User` with one more member, for unions whose variants overlap.
    #[derive(Debug, PartialEq)]
    pub(crate) struct UserWithStats {
        pub id: i64,
        pub videos_count: Option<i64>,
    }

    impl FromJson for UserWithStats {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
            let mut id = None;
            let mut videos_count = None;
            let mut members = p.object("an object (`UserWithStats`)")?;
            while let Some(key) = members.next_key(p)? {
                match &*key {
                    "id" => p.field(&mut id, "id"),
                    "videos_count" => p.field(&mut videos_count, "videos_count"),
                    _ => p.unknown(),
                }?;
            }
            Ok(UserWithStats {
                id: required(id, "id")?,
                videos_count: optional(videos_count),
            })
        }
    }
}

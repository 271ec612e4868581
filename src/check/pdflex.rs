//! The PDF lexer: objects of the file body, and the tokens (operands and
//! operators) of content streams and CMaps. Nesting depth is bounded.

use super::pdfread::{Dict, MAX_DEPTH, Obj, PdfError};

pub fn is_white(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

pub fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A token of a content stream or CMap: an operand or an operator keyword.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Obj(Obj),
    Keyword(Vec<u8>),
}

pub struct Lexer<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer { data, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn err<T>(&self, m: impl Into<String>) -> Result<T, PdfError> {
        Err(PdfError::Syntax(m.into(), self.pos))
    }

    pub fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_white(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// The next bare word (after whitespace), without consuming delimiters.
    pub fn keyword(&mut self) -> &'a [u8] {
        self.skip_ws();
        self.regular_run()
    }

    fn name(&mut self) -> Vec<u8> {
        // The caller consumed '/'.
        let raw = self.regular_run();
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'#'
                && i + 2 < raw.len() + 1
                && let (Some(h), Some(l)) = (
                    raw.get(i + 1).and_then(|c| hex_val(*c)),
                    raw.get(i + 2).and_then(|c| hex_val(*c)),
                )
            {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
            out.push(raw[i]);
            i += 1;
        }
        out
    }

    fn literal_string(&mut self) -> Result<Vec<u8>, PdfError> {
        // The caller consumed '('.
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let Some(b) = self.peek() else {
                return self.err("unterminated string");
            };
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return self.err("unterminated string");
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = (e - b'0') as u32;
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + (d - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }

    fn hex_string(&mut self) -> Result<Vec<u8>, PdfError> {
        // The caller consumed '<'.
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                return self.err("unterminated hex string");
            };
            self.pos += 1;
            if b == b'>' {
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                return Ok(out);
            }
            if is_white(b) {
                continue;
            }
            let Some(v) = hex_val(b) else {
                return self.err("bad character in hex string");
            };
            match hi.take() {
                Some(h) => out.push((h << 4) | v),
                None => hi = Some(v),
            }
        }
    }

    fn number(&mut self) -> Result<Obj, PdfError> {
        let start = self.pos;
        let run = self.regular_run();
        if let Some(i) = plain_int(run) {
            return Ok(Obj::Int(i));
        }
        let s = std::str::from_utf8(run).unwrap_or("");
        if s.is_empty() {
            self.pos = start;
            return self.err("expected a number");
        }
        let dots = run.iter().filter(|&&b| b == b'.').count();
        if dots == 0
            && let Ok(i) = s.parse::<i64>()
        {
            return Ok(Obj::Int(i));
        }
        // Lenient like viewers: "--5", "5.", ".5", "1.2.3" read as far as
        // sane (most numbers are sane already, and are read as they are).
        let sane = dots <= 1
            && run.iter().enumerate().all(|(i, b)| match b {
                b'-' | b'+' => i == 0,
                b'0'..=b'9' | b'.' => true,
                _ => false,
            });
        let cleaned: std::borrow::Cow<str> = if sane {
            s.into()
        } else {
            let mut seen_dot = false;
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                match c {
                    '-' | '+' if i == 0 => out.push(c),
                    '.' if !seen_dot => {
                        seen_dot = true;
                        out.push(c)
                    }
                    '0'..='9' => out.push(c),
                    _ => break,
                }
            }
            out.into()
        };
        match cleaned.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Obj::Real(v)),
            _ => {
                if cleaned.trim_start_matches(['-', '+', '.']).is_empty() {
                    Ok(Obj::Int(0))
                } else {
                    self.pos = start;
                    self.err("bad number")
                }
            }
        }
    }

    /// One token (content streams, CMaps): operands are objects, anything
    /// else is a keyword. `None` at the end of data.
    pub fn token(&mut self) -> Result<Option<Token>, PdfError> {
        self.skip_ws();
        let Some(b) = self.peek() else {
            return Ok(None);
        };
        match b {
            b'/' | b'(' | b'<' | b'[' | b'+' | b'-' | b'.' | b'0'..=b'9' => {
                if b == b'<' && self.data.get(self.pos + 1) == Some(&b'<') {
                    return Ok(Some(Token::Obj(self.object(0, false)?)));
                }
                Ok(Some(Token::Obj(self.object(0, false)?)))
            }
            b']' | b'>' | b')' | b'{' | b'}' => {
                self.pos += 1;
                Ok(Some(Token::Keyword(vec![b])))
            }
            _ => {
                let w = self.regular_run();
                if w.is_empty() {
                    self.pos += 1;
                    return Ok(Some(Token::Keyword(vec![b])));
                }
                Ok(Some(match w {
                    b"true" => Token::Obj(Obj::Bool(true)),
                    b"false" => Token::Obj(Obj::Bool(false)),
                    b"null" => Token::Obj(Obj::Null),
                    _ => Token::Keyword(w.to_vec()),
                }))
            }
        }
    }

    /// One object. `refs` allows `N G R` (not in content streams).
    pub fn object(&mut self, depth: usize, refs: bool) -> Result<Obj, PdfError> {
        if depth > MAX_DEPTH {
            return Err(PdfError::Limit(format!(
                "objects nested deeper than {MAX_DEPTH} levels at byte {}",
                self.pos
            )));
        }
        self.skip_ws();
        let Some(b) = self.peek() else {
            return self.err("unexpected end of data");
        };
        match b {
            b'/' => {
                self.pos += 1;
                Ok(Obj::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Ok(Obj::Str(self.literal_string()?))
            }
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    let mut d = Vec::new();
                    loop {
                        self.skip_ws();
                        match self.peek() {
                            None => return self.err("unterminated dictionary"),
                            Some(b'>') => {
                                if self.data.get(self.pos + 1) == Some(&b'>') {
                                    self.pos += 2;
                                    return Ok(Obj::Dict(Dict(d)));
                                }
                                return self.err("expected >>");
                            }
                            Some(b'/') => {
                                self.pos += 1;
                                let k = self.name();
                                let v = self.object(depth + 1, refs)?;
                                d.push((k, v));
                            }
                            Some(_) => return self.err("expected a name key in dictionary"),
                        }
                    }
                } else {
                    self.pos += 1;
                    Ok(Obj::Str(self.hex_string()?))
                }
            }
            b'[' => {
                self.pos += 1;
                let mut a = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return self.err("unterminated array"),
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Obj::Array(a));
                        }
                        Some(_) => a.push(self.object(depth + 1, refs)?),
                    }
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                let n = self.number()?;
                if refs && let Obj::Int(num) = n {
                    let save = self.pos;
                    self.skip_ws();
                    if let Some(b'0'..=b'9') = self.peek() {
                        let g = self.regular_run();
                        self.skip_ws();
                        if self.peek() == Some(b'R')
                            && self
                                .data
                                .get(self.pos + 1)
                                .is_none_or(|c| is_white(*c) || is_delim(*c))
                            && let (Ok(num), Some(gen_)) = (
                                u32::try_from(num),
                                std::str::from_utf8(g)
                                    .ok()
                                    .and_then(|s| s.parse::<u16>().ok()),
                            )
                        {
                            self.pos += 1;
                            return Ok(Obj::Ref(num, gen_));
                        }
                    }
                    self.pos = save;
                }
                Ok(n)
            }
            _ => {
                let w = self.regular_run();
                match w {
                    b"true" => Ok(Obj::Bool(true)),
                    b"false" => Ok(Obj::Bool(false)),
                    b"null" => Ok(Obj::Null),
                    b"" => self.err(format!("unexpected character {:?}", b as char)),
                    _ => self.err(format!(
                        "unexpected keyword {:?}",
                        String::from_utf8_lossy(&w[..w.len().min(20)])
                    )),
                }
            }
        }
    }
}

/// An optional sign and at most 18 digits: the value `str::parse::<i64>`
/// gives, without the string (most numbers of a content stream are so).
fn plain_int(run: &[u8]) -> Option<i64> {
    let (neg, digits) = match run.first()? {
        b'-' => (true, &run[1..]),
        b'+' => (false, &run[1..]),
        _ => (false, run),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = digits
        .iter()
        .fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
    Some(if neg { -v } else { v })
}

pub fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_objects() {
        let mut lx = Lexer::new(b"<< /A [1 2.5 (a\\)b) <4142>] /B 3 0 R /C#20d true >>", 0);
        let o = lx.object(0, true).unwrap();
        let d = o.as_dict().unwrap();
        assert_eq!(
            d.get("A").unwrap().as_array().unwrap()[2],
            Obj::Str(b"a)b".to_vec())
        );
        assert_eq!(
            d.get("A").unwrap().as_array().unwrap()[3],
            Obj::Str(b"AB".to_vec())
        );
        assert_eq!(d.get("B"), Some(&Obj::Ref(3, 0)));
        assert_eq!(d.get("C d"), Some(&Obj::Bool(true)));
    }

    #[test]
    fn numbers_read_as_before() {
        for n in [
            "0",
            "-0",
            "+7",
            "-12",
            "123456789012345678",
            "1234567890123456789",
            "99999999999999999999",
            "1.5",
            "-.5",
            "5.",
            "+.25",
            "--5",
            "1.2.3",
            "-",
            "+",
            ".",
            "3e5",
            "-1.25x",
            "0.000001",
        ] {
            let int = if n.contains('.') {
                None
            } else {
                n.parse::<i64>().ok()
            };
            let got = Lexer::new(n.as_bytes(), 0).number().ok();
            match (int, &got) {
                (Some(i), Some(Obj::Int(g))) => assert_eq!(i, *g, "{n}"),
                (Some(_), _) => panic!("{n}: {got:?}"),
                (None, _) => {
                    if let Some(i) = plain_int(n.as_bytes()) {
                        panic!("{n} read as the integer {i}");
                    }
                }
            }
        }
        let real = |n: &str| Lexer::new(n.as_bytes(), 0).number().unwrap();
        assert_eq!(real("1.5"), Obj::Real(1.5));
        assert_eq!(real("-.5"), Obj::Real(-0.5));
        assert_eq!(real("1.2.3"), Obj::Real(1.2));
        assert_eq!(real("--5"), Obj::Int(0));
        assert_eq!(real("-1.25x"), Obj::Real(-1.25));
    }

    #[test]
    fn deep_nesting_is_a_limit_not_a_stack_overflow() {
        let data = vec![b'['; 100_000];
        let mut lx = Lexer::new(&data, 0);
        assert!(matches!(lx.object(0, true), Err(PdfError::Limit(_))));
    }
}

//! A small, defensive PDF object reader for the checker.
//!
//! It reads the cross-reference data (tables, streams, `/Prev` chains,
//! object streams) and falls back to scanning the file for `N G obj` when
//! that data is damaged. Everything is bounded: nesting depth, reference
//! chains, decoded stream sizes, object counts. Errors are values, never
//! panics; indexing is done with `get`.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Deref;
use std::rc::Rc;

/// Deepest nesting of arrays and dictionaries accepted.
pub const MAX_DEPTH: usize = 64;
/// Longest chain `1 0 R -> 2 0 R -> ...` followed.
const MAX_REF_CHAIN: usize = 32;
/// Largest decoded stream.
pub const MAX_STREAM_DECODED: usize = 32 * 1024 * 1024;
/// All decoded stream bytes of one document together.
const MAX_TOTAL_DECODED: usize = 256 * 1024 * 1024;
/// Most objects indexed.
const MAX_OBJECTS: usize = 4_000_000;
/// Most `/Prev` sections followed.
const MAX_XREF_SECTIONS: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Stream(Stream),
    Ref(u32, u16),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dict(pub Vec<(Vec<u8>, Obj)>);

impl Dict {
    pub fn get(&self, key: &str) -> Option<&Obj> {
        self.0
            .iter()
            .find(|(k, _)| k.as_slice() == key.as_bytes())
            .map(|(_, v)| v)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub dict: Dict,
    /// The raw (still encoded) bytes.
    pub data: Vec<u8>,
}

static NULL: Obj = Obj::Null;

impl Obj {
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            Obj::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_name(&self, n: &str) -> bool {
        self.as_name() == Some(n.as_bytes())
    }

    pub fn as_array(&self) -> Option<&[Obj]> {
        match self {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Obj::Int(i) => Some(*i as f64),
            Obj::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Obj::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_ref_id(&self) -> Option<(u32, u16)> {
        match self {
            Obj::Ref(n, g) => Some((*n, *g)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PdfError {
    /// Syntax error at a byte offset.
    Syntax(String, usize),
    /// A reference loop or cycle.
    Loop(String),
    /// A limit of the reader was hit.
    Limit(String),
    /// A stream filter the reader does not decode.
    Unsupported(String),
    /// Stream data that does not decode.
    Corrupt(String),
}

impl PdfError {
    /// The message as shown in findings.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Offset 0 stands for "no particular place".
            PdfError::Syntax(m, 0) => write!(f, "{m}"),
            PdfError::Syntax(m, off) => write!(f, "{m} (at byte {off})"),
            PdfError::Loop(m) => write!(f, "reference loop: {m}"),
            PdfError::Limit(m) => write!(f, "limit exceeded: {m}"),
            PdfError::Unsupported(m) => write!(f, "unsupported: {m}"),
            PdfError::Corrupt(m) => write!(f, "corrupt data: {m}"),
        }
    }
}

/// A resolved object: borrowed when it was direct, shared when indirect.
pub enum R<'a> {
    B(&'a Obj),
    O(Rc<Obj>),
}

impl Deref for R<'_> {
    type Target = Obj;
    fn deref(&self) -> &Obj {
        match self {
            R::B(o) => o,
            R::O(o) => o,
        }
    }
}

pub use super::pdffilter::inflate;
use super::pdffilter::{ascii_hex, ascii85, lzw, predictor};
pub use super::pdflex::{Lexer, Token, hex_val, is_delim, is_white};
pub use super::pdfpages::{Inherited, Page};

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay2 = hay.get(from..)?;
    if needle.is_empty() || hay2.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut i = 0;
    while i + needle.len() <= hay2.len() {
        match hay2[i..].iter().position(|&b| b == first) {
            None => return None,
            Some(p) => {
                i += p;
                if i + needle.len() <= hay2.len() && &hay2[i..i + needle.len()] == needle {
                    return Some(from + i);
                }
                i += 1;
            }
        }
    }
    None
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| &hay[i..i + needle.len()] == needle)
}

// ---------------------------------------------------------------- document

#[derive(Debug, Clone, Copy)]
enum XrefEntry {
    Offset(usize),
    InStream(u32, u32),
}

/// A decoded object stream: its data and (object number, offset) pairs.
type ObjStm = (Vec<u8>, Vec<(u32, usize)>);

pub struct Document<'a> {
    pub data: &'a [u8],
    xref: HashMap<u32, XrefEntry>,
    pub trailer: Dict,
    /// The cross-reference data was damaged and rebuilt by scanning.
    pub damaged: Option<String>,
    cache: RefCell<HashMap<u32, Rc<Obj>>>,
    objstm_cache: RefCell<HashMap<u32, Rc<ObjStm>>>,
    resolving: Cell<usize>,
    decoded_total: Cell<usize>,
    /// Objects that failed to parse, with why (each reported once).
    pub broken: RefCell<Vec<(u32, PdfError)>>,
    failed: RefCell<HashSet<u32>>,
    /// Offsets of every "endstream", found once: a search per damaged
    /// stream would be quadratic on hostile files.
    endstreams: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Document<'a> {
    /// Reads the cross-reference data and trailer.
    pub fn parse(data: &'a [u8]) -> Result<Self, PdfError> {
        let mut doc = Document {
            data,
            xref: HashMap::new(),
            trailer: Dict::default(),
            damaged: None,
            cache: RefCell::new(HashMap::new()),
            objstm_cache: RefCell::new(HashMap::new()),
            resolving: Cell::new(0),
            decoded_total: Cell::new(0),
            broken: RefCell::new(Vec::new()),
            failed: RefCell::new(HashSet::new()),
            endstreams: std::cell::OnceCell::new(),
        };
        match doc.read_xref() {
            Ok(()) if doc.trailer.contains("Root") => {}
            Ok(()) => {
                doc.damaged = Some("the trailer has no /Root".into());
                doc.rebuild()?;
            }
            Err(e) => {
                doc.damaged = Some(e.to_string());
                doc.rebuild()?;
            }
        }
        Ok(doc)
    }

    fn read_xref(&mut self) -> Result<(), PdfError> {
        let tail_start = self.data.len().saturating_sub(2048);
        let Some(p) = rfind(&self.data[tail_start..], b"startxref") else {
            return Err(PdfError::Syntax("no startxref".into(), self.data.len()));
        };
        let mut lx = Lexer::new(self.data, tail_start + p + 9);
        let off = match lx.object(0, false)? {
            Obj::Int(i) if i >= 0 && (i as usize) < self.data.len() => i as usize,
            _ => return Err(PdfError::Syntax("bad startxref offset".into(), lx.pos)),
        };
        let mut visited = HashSet::new();
        let mut next = Some(off);
        let mut first = true;
        while let Some(off) = next.take() {
            if !visited.insert(off) {
                return Err(PdfError::Loop(format!("/Prev chain returns to byte {off}")));
            }
            if visited.len() > MAX_XREF_SECTIONS {
                return Err(PdfError::Limit("too many cross-reference sections".into()));
            }
            let trailer = self.read_section(off)?;
            if let Some(Obj::Int(x)) = trailer.get("XRefStm")
                && *x >= 0
                && (*x as usize) < self.data.len()
                && visited.insert(*x as usize)
            {
                self.read_section(*x as usize)?;
            }
            next = match trailer.get("Prev") {
                Some(Obj::Int(p)) if *p >= 0 && (*p as usize) < self.data.len() => {
                    Some(*p as usize)
                }
                _ => None,
            };
            if first {
                self.trailer = trailer;
                first = false;
            }
        }
        Ok(())
    }

    /// Reads one xref table (with its trailer) or xref stream at `off`;
    /// entries already known (from newer sections) win.
    fn read_section(&mut self, off: usize) -> Result<Dict, PdfError> {
        let mut lx = Lexer::new(self.data, off);
        lx.skip_ws();
        if self.data.get(lx.pos..lx.pos + 4) == Some(b"xref") {
            lx.pos += 4;
            loop {
                lx.skip_ws();
                if self.data.get(lx.pos..lx.pos + 7) == Some(b"trailer") {
                    lx.pos += 7;
                    return match lx.object(0, true)? {
                        Obj::Dict(d) => Ok(d),
                        _ => Err(PdfError::Syntax(
                            "trailer is not a dictionary".into(),
                            lx.pos,
                        )),
                    };
                }
                let start = lx.object(0, false)?.as_i64();
                let count = lx.object(0, false)?.as_i64();
                let (Some(start), Some(count)) = (start, count) else {
                    return Err(PdfError::Syntax("bad xref subsection".into(), lx.pos));
                };
                if start < 0 || count < 0 || (count as usize) > MAX_OBJECTS {
                    return Err(PdfError::Syntax("bad xref subsection".into(), lx.pos));
                }
                for i in 0..count {
                    let o = lx.object(0, false)?.as_i64();
                    let _g = lx.object(0, false)?;
                    let kind = lx.keyword();
                    let num = start.saturating_add(i);
                    let (Some(o), Ok(num)) = (o, u32::try_from(num)) else {
                        return Err(PdfError::Syntax("bad xref entry".into(), lx.pos));
                    };
                    if kind == b"n" && o > 0 && (o as usize) < self.data.len() {
                        self.add_entry(num, XrefEntry::Offset(o as usize))?;
                    } else if kind != b"n" && kind != b"f" {
                        return Err(PdfError::Syntax("bad xref entry type".into(), lx.pos));
                    }
                }
            }
        }
        // An xref stream.
        let (_, obj) = self.parse_indirect_at(off)?;
        let Obj::Stream(s) = obj else {
            return Err(PdfError::Syntax("startxref points to no xref".into(), off));
        };
        if !s.dict.get("Type").is_some_and(|t| t.is_name("XRef")) {
            return Err(PdfError::Syntax(
                "startxref points to no xref stream".into(),
                off,
            ));
        }
        let data = self.decode(&s)?;
        let w: Vec<usize> = s
            .dict
            .get("W")
            .and_then(Obj::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| x.as_i64().unwrap_or(-1))
                    .collect::<Vec<_>>()
            })
            .filter(|v| v.len() == 3 && v.iter().all(|x| (0..=8).contains(x)))
            .map(|v| v.into_iter().map(|x| x as usize).collect())
            .ok_or_else(|| PdfError::Syntax("xref stream has a bad /W".into(), off))?;
        let size = s.dict.get("Size").and_then(Obj::as_i64).unwrap_or(0).max(0);
        let index: Vec<i64> = match s.dict.get("Index").and_then(Obj::as_array) {
            Some(a) => a.iter().filter_map(Obj::as_i64).collect(),
            None => vec![0, size],
        };
        let row = w[0] + w[1] + w[2];
        if row == 0 {
            return Err(PdfError::Syntax("xref stream has empty rows".into(), off));
        }
        let mut rows = data.chunks_exact(row);
        for pair in index.chunks(2) {
            let [start, count] = pair else { break };
            if *start < 0 || *count < 0 {
                break;
            }
            for i in 0..*count {
                let Some(r) = rows.next() else { break };
                let field = |k: usize, default: u64| -> u64 {
                    if w[k] == 0 {
                        return default;
                    }
                    let from = w[..k].iter().sum::<usize>();
                    r[from..from + w[k]]
                        .iter()
                        .fold(0u64, |acc, b| (acc << 8) | *b as u64)
                };
                let Ok(num) = u32::try_from(start.saturating_add(i)) else {
                    break;
                };
                match field(0, 1) {
                    1 => {
                        let o = field(1, 0) as usize;
                        if o > 0 && o < self.data.len() {
                            self.add_entry(num, XrefEntry::Offset(o))?;
                        }
                    }
                    2 => {
                        let (stm, idx) = (field(1, 0), field(2, 0));
                        if let (Ok(stm), Ok(idx)) = (u32::try_from(stm), u32::try_from(idx)) {
                            self.add_entry(num, XrefEntry::InStream(stm, idx))?;
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(s.dict)
    }

    fn add_entry(&mut self, num: u32, e: XrefEntry) -> Result<(), PdfError> {
        if self.xref.len() >= MAX_OBJECTS {
            return Err(PdfError::Limit(format!("more than {MAX_OBJECTS} objects")));
        }
        self.xref.entry(num).or_insert(e);
        Ok(())
    }

    /// Rebuilds the object index by scanning for `N G obj`, and the trailer
    /// from the last `trailer` dictionary or xref stream, or the catalog.
    fn rebuild(&mut self) -> Result<(), PdfError> {
        self.xref.clear();
        self.cache.borrow_mut().clear();
        self.failed.borrow_mut().clear();
        self.broken.borrow_mut().clear();
        let d = self.data;
        let mut pos = 0;
        let mut catalog: Option<u32> = None;
        let mut trailer: Option<Dict> = None;
        while let Some(p) = find_from(d, b"obj", pos) {
            pos = p + 3;
            // Walk back over "G" and "N" with whitespace between.
            let mut i = p;
            let back_digits = |i: &mut usize| -> Option<(usize, usize)> {
                let end = *i;
                while *i > 0 && d[*i - 1].is_ascii_digit() {
                    *i -= 1;
                }
                (end > *i).then_some((*i, end))
            };
            let back_ws = |i: &mut usize| -> bool {
                let end = *i;
                while *i > 0 && is_white(d[*i - 1]) {
                    *i -= 1;
                }
                end > *i
            };
            if !back_ws(&mut i) {
                continue;
            }
            let Some((gs, ge)) = back_digits(&mut i) else {
                continue;
            };
            if !back_ws(&mut i) {
                continue;
            }
            let Some((ns, ne)) = back_digits(&mut i) else {
                continue;
            };
            if ns > 0 && !is_white(d[ns - 1]) && !is_delim(d[ns - 1]) {
                continue;
            }
            let num = std::str::from_utf8(&d[ns..ne])
                .ok()
                .and_then(|s| s.parse::<u32>().ok());
            let gen_ok = std::str::from_utf8(&d[gs..ge])
                .ok()
                .and_then(|s| s.parse::<u16>().ok());
            let (Some(num), Some(_)) = (num, gen_ok) else {
                continue;
            };
            if self.xref.len() >= MAX_OBJECTS && !self.xref.contains_key(&num) {
                return Err(PdfError::Limit(format!("more than {MAX_OBJECTS} objects")));
            }
            // Later definitions override earlier ones (incremental updates).
            self.xref.insert(num, XrefEntry::Offset(ns));
        }
        // Look at each object's type once to find the catalog, xref
        // streams (which carry trailer keys) and object streams.
        let mut nums: Vec<u32> = self.xref.keys().copied().collect();
        nums.sort_unstable();
        let mut objstms = Vec::new();
        for &num in &nums {
            let Some(XrefEntry::Offset(off)) = self.xref.get(&num).copied() else {
                continue;
            };
            let Ok((_, obj)) = self.parse_indirect_at(off) else {
                continue;
            };
            if let Some(dict) = obj.as_dict() {
                match dict.get("Type").and_then(Obj::as_name) {
                    Some(b"Catalog") => catalog = Some(num),
                    Some(b"XRef") if dict.contains("Root") => trailer = Some(dict.clone()),
                    Some(b"ObjStm") => objstms.push(num),
                    _ => {}
                }
            }
        }
        for stm in objstms {
            if let Ok(entry) = self.objstm(stm) {
                for (i, (num, _)) in entry.1.iter().enumerate() {
                    if !self.xref.contains_key(num) {
                        self.xref.insert(*num, XrefEntry::InStream(stm, i as u32));
                    }
                }
            }
        }
        // The last trailer dictionary in the file.
        let mut pos = 0;
        while let Some(p) = find_from(d, b"trailer", pos) {
            pos = p + 7;
            let mut lx = Lexer::new(d, p + 7);
            if let Ok(Obj::Dict(t)) = lx.object(0, true)
                && t.contains("Root")
            {
                trailer = Some(t);
            }
        }
        if trailer.is_none()
            && let Some(c) = catalog
        {
            trailer = Some(Dict(vec![(b"Root".to_vec(), Obj::Ref(c, 0))]));
        }
        if trailer.is_none() {
            // Object streams may hold the catalog.
            let mut nums: Vec<u32> = self.xref.keys().copied().collect();
            nums.sort_unstable();
            for num in nums {
                if let Some(o) = self.get(num)
                    && o.as_dict()
                        .and_then(|d| d.get("Type"))
                        .is_some_and(|t| t.is_name("Catalog"))
                {
                    trailer = Some(Dict(vec![(b"Root".to_vec(), Obj::Ref(num, 0))]));
                    break;
                }
            }
        }
        match trailer {
            Some(t) => {
                self.trailer = t;
                Ok(())
            }
            None => Err(PdfError::Syntax(
                "no trailer and no document catalog found".into(),
                d.len(),
            )),
        }
    }

    /// Parses `N G obj ... endobj` at `off`.
    fn parse_indirect_at(&self, off: usize) -> Result<(u32, Obj), PdfError> {
        let mut lx = Lexer::new(self.data, off);
        let num = lx.object(0, false)?.as_i64();
        let _g = lx.object(0, false)?;
        if lx.keyword() != b"obj" {
            return Err(PdfError::Syntax("expected 'obj'".into(), lx.pos));
        }
        let Some(num) = num.and_then(|n| u32::try_from(n).ok()) else {
            return Err(PdfError::Syntax("bad object number".into(), off));
        };
        let obj = lx.object(0, true)?;
        if lx.keyword() == b"stream" {
            let Obj::Dict(dict) = obj else {
                return Err(PdfError::Syntax("stream without dictionary".into(), lx.pos));
            };
            // The data starts after CRLF or LF.
            let mut start = lx.pos;
            if self.data.get(start) == Some(&b'\r') {
                start += 1;
            }
            if self.data.get(start) == Some(&b'\n') {
                start += 1;
            }
            let declared = match dict.get("Length") {
                Some(Obj::Int(n)) => usize::try_from(*n).ok(),
                Some(Obj::Ref(n, _)) if *n != num => self
                    .get(*n)
                    .and_then(|o| o.as_i64().and_then(|v| usize::try_from(v).ok())),
                _ => None,
            };
            let end = declared
                .and_then(|len| start.checked_add(len))
                .filter(|&e| {
                    e <= self.data.len() && {
                        let mut l2 = Lexer::new(self.data, e);
                        l2.keyword() == b"endstream"
                    }
                })
                .or_else(|| {
                    // A wrong /Length: the data runs to "endstream".
                    self.next_endstream(start).map(|e| {
                        let mut e2 = e;
                        if e2 > start && self.data[e2 - 1] == b'\n' {
                            e2 -= 1;
                        }
                        if e2 > start && self.data[e2 - 1] == b'\r' {
                            e2 -= 1;
                        }
                        e2
                    })
                })
                .ok_or_else(|| PdfError::Syntax("stream without endstream".into(), start))?;
            return Ok((
                num,
                Obj::Stream(Stream {
                    dict,
                    data: self.data[start..end].to_vec(),
                }),
            ));
        }
        Ok((num, obj))
    }

    fn next_endstream(&self, from: usize) -> Option<usize> {
        let all = self.endstreams.get_or_init(|| {
            let mut v = Vec::new();
            let mut p = 0;
            while let Some(i) = find_from(self.data, b"endstream", p) {
                v.push(i);
                p = i + 9;
            }
            v
        });
        let i = all.partition_point(|&e| e < from);
        all.get(i).copied()
    }

    /// The object numbered `num` (generation ignored, as viewers do).
    pub fn get(&self, num: u32) -> Option<Rc<Obj>> {
        if let Some(o) = self.cache.borrow().get(&num) {
            return Some(o.clone());
        }
        if self.resolving.get() > MAX_REF_CHAIN {
            return None;
        }
        if self.failed.borrow().contains(&num) {
            return None;
        }
        self.resolving.set(self.resolving.get() + 1);
        let entry = self.xref.get(&num).copied();
        let obj = match entry {
            Some(XrefEntry::Offset(off)) => match self.parse_indirect_at(off) {
                Ok((_, o)) => Some(o),
                Err(e) => {
                    self.failed.borrow_mut().insert(num);
                    self.broken.borrow_mut().push((num, e));
                    None
                }
            },
            Some(XrefEntry::InStream(stm, idx)) => self.in_objstm(stm, idx, num),
            None => None,
        };
        self.resolving.set(self.resolving.get() - 1);
        let obj = Rc::new(obj?);
        self.cache.borrow_mut().insert(num, obj.clone());
        Some(obj)
    }

    fn objstm(&self, stm: u32) -> Result<Rc<ObjStm>, PdfError> {
        if let Some(c) = self.objstm_cache.borrow().get(&stm) {
            return Ok(c.clone());
        }
        let Some(XrefEntry::Offset(off)) = self.xref.get(&stm).copied() else {
            return Err(PdfError::Syntax(
                format!("object stream {stm} not found"),
                0,
            ));
        };
        let (_, obj) = self.parse_indirect_at(off)?;
        let Obj::Stream(s) = obj else {
            return Err(PdfError::Syntax(format!("object {stm} is no stream"), off));
        };
        let data = self.decode(&s)?;
        let n = s.dict.get("N").and_then(Obj::as_i64).unwrap_or(0).max(0) as usize;
        let first = s
            .dict
            .get("First")
            .and_then(Obj::as_i64)
            .unwrap_or(0)
            .max(0) as usize;
        let mut lx = Lexer::new(&data, 0);
        let mut idx = Vec::new();
        for _ in 0..n.min(data.len()) {
            let (Ok(Obj::Int(num)), Ok(Obj::Int(o))) = (lx.object(0, false), lx.object(0, false))
            else {
                break;
            };
            if let (Ok(num), Ok(o)) = (u32::try_from(num), usize::try_from(o)) {
                idx.push((num, first.saturating_add(o)));
            }
        }
        let entry = Rc::new((data, idx));
        self.objstm_cache.borrow_mut().insert(stm, entry.clone());
        Ok(entry)
    }

    fn in_objstm(&self, stm: u32, idx: u32, num: u32) -> Option<Obj> {
        let entry = self.objstm(stm).ok()?;
        let (data, index) = (&entry.0, &entry.1);
        let &(n, off) = index
            .get(idx as usize)
            .filter(|(n, _)| *n == num)
            .or_else(|| index.iter().find(|(n, _)| *n == num))?;
        debug_assert_eq!(n, num);
        let mut lx = Lexer::new(data, off);
        lx.object(0, true).ok()
    }

    /// Follows references to a direct object. A missing object is null; a
    /// chain longer than the limit is a loop.
    pub fn resolve<'o>(&self, o: &'o Obj) -> Result<R<'o>, PdfError> {
        let mut cur = match o {
            Obj::Ref(n, _) => *n,
            _ => return Ok(R::B(o)),
        };
        let mut seen = HashSet::new();
        loop {
            if !seen.insert(cur) || seen.len() > MAX_REF_CHAIN {
                return Err(PdfError::Loop(format!(
                    "object {cur} 0 R refers back to itself"
                )));
            }
            match self.get(cur) {
                None => return Ok(R::B(&NULL)),
                Some(rc) => match &*rc {
                    Obj::Ref(n, _) => cur = *n,
                    _ => return Ok(R::O(rc)),
                },
            }
        }
    }

    /// A dictionary entry, resolved; null when absent.
    pub fn dict_get<'o>(&self, d: &'o Dict, key: &str) -> Result<R<'o>, PdfError> {
        match d.get(key) {
            Some(o) => self.resolve(o),
            None => Ok(R::B(&NULL)),
        }
    }

    /// The document catalog.
    pub fn catalog(&self) -> Result<Rc<Obj>, PdfError> {
        let root = self
            .trailer
            .get("Root")
            .ok_or_else(|| PdfError::Syntax("no /Root".into(), 0))?;
        let r = self.resolve(root)?;
        match &*r {
            Obj::Dict(_) => Ok(match r {
                R::O(rc) => rc,
                R::B(o) => Rc::new(o.clone()),
            }),
            _ => Err(PdfError::Syntax(
                "the catalog is not a dictionary".into(),
                0,
            )),
        }
    }

    /// Decodes a stream's data through its filters, within the limits.
    pub fn decode(&self, s: &Stream) -> Result<Vec<u8>, PdfError> {
        let filters: Vec<Vec<u8>> = match s.dict.get("Filter").map(|f| self.resolve(f)) {
            None => vec![],
            Some(Ok(f)) => match &*f {
                Obj::Name(n) => vec![n.clone()],
                Obj::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_name().map(<[u8]>::to_vec))
                    .collect(),
                Obj::Null => vec![],
                _ => return Err(PdfError::Corrupt("bad /Filter".into())),
            },
            Some(Err(e)) => return Err(e),
        };
        let parms_obj = match s.dict.get("DecodeParms").or(s.dict.get("DP")) {
            Some(o) => Some(self.resolve(o)?),
            None => None,
        };
        let parms: Vec<Option<Dict>> = match parms_obj.as_deref() {
            Some(Obj::Dict(d)) => vec![Some(d.clone())],
            Some(Obj::Array(a)) => a
                .iter()
                .map(|x| self.resolve(x).ok().and_then(|x| x.as_dict().cloned()))
                .collect(),
            _ => vec![],
        };
        let mut data = s.data.clone();
        for (i, f) in filters.iter().enumerate() {
            data = match f.as_slice() {
                b"FlateDecode" | b"Fl" => {
                    let out = inflate(&data, MAX_STREAM_DECODED)?;
                    match parms.get(i).and_then(|p| p.as_ref()) {
                        Some(p) => predictor(out, p)?,
                        None => out,
                    }
                }
                b"LZWDecode" | b"LZW" => {
                    let p = parms.get(i).and_then(|p| p.as_ref());
                    let out = lzw(&data, p, MAX_STREAM_DECODED)?;
                    match p {
                        Some(p) => predictor(out, p)?,
                        None => out,
                    }
                }
                b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data),
                b"ASCII85Decode" | b"A85" => ascii85(&data)?,
                other => {
                    return Err(PdfError::Unsupported(format!(
                        "stream filter /{}",
                        String::from_utf8_lossy(other)
                    )));
                }
            };
            let total = self.decoded_total.get() + data.len();
            if total > MAX_TOTAL_DECODED {
                return Err(PdfError::Limit(format!(
                    "more than {} MiB of decoded streams",
                    MAX_TOTAL_DECODED >> 20
                )));
            }
            self.decoded_total.set(total);
        }
        Ok(data)
    }
}

//! What the learner's file may not contain, checked before it is compiled, and the rule
//! the hidden tests must follow, checked by `workbook validate`.
//!
//! The learner's code runs in the same process as the hidden tests, so anything it can
//! name it can use against them. No exercise needs the process, the file system, the
//! environment or the network, and none needs macros of its own, compile-time file
//! inclusion, foreign functions or linker attributes; those are the tools of every
//! known forgery (running its own binary with `--list` and printing fake results,
//! reading the hidden tests, shadowing `assert_eq!`, code placed in `.init_array`).
//! Refusing them by name is enough because Rust offers no way to spell a path without
//! its identifiers: with no macros of its own and no proc macros, the file cannot build
//! `fs` out of a string. `-F unsafe_code` on the compiler's command line closes what
//! names alone would miss (raw pointers, `#[link_section]` reached through `cfg_attr`).

use super::tokens::{Kind, Token, tokenize};

/// One thing the file may not contain, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub column: usize,
    /// The sentence shown to the learner, naming what was found and why it is refused.
    pub message: String,
}

/// Modules and items that reach outside the program (processes, files, environment,
/// network, foreign code) or catch the hidden tests' panics.
const OUTSIDE: &[&str] = &[
    "process",
    "fs",
    "env",
    "net",
    "os",
    "ffi",
    "arch",
    "intrinsics",
    "Command",
    "File",
    "OpenOptions",
    "catch_unwind",
    "set_hook",
    "take_hook",
];

/// Macros that read files or the environment at compile time, or emit raw code.
const MACROS: &[&str] = &[
    "include",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "global_asm",
    "asm",
    "naked_asm",
    "concat_idents",
];

/// Attributes that change what the crate is or where code goes (linker sections, symbol
/// names, another file as a module, no harness).
const ATTRIBUTES: &[&str] = &[
    "link_section",
    "no_mangle",
    "export_name",
    "used",
    "link",
    "link_name",
    "linkage",
    "path",
    "no_main",
    "no_std",
    "no_core",
    "no_implicit_prelude",
    "global_allocator",
    "panic_handler",
    "test_runner",
    "reexport_test_harness_main",
    "feature",
    "crate_type",
    "crate_name",
    "cfg",
];

/// Traits whose hand-written impl could make unequal values compare equal; `derive`
/// them instead, which compares field by field.
const COMPARISONS: &[&str] = &["PartialEq", "Eq", "PartialOrd", "Ord"];

/// Names of the standard library the hidden tests rely on: a type, function or import of
/// the same name in the learner's file would take their place.
const STD_NAMES: &[&str] = &[
    "bool",
    "char",
    "str",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Duration",
    "Instant",
    "SystemTime",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "VecDeque",
    "Arc",
    "Rc",
    "Mutex",
    "RwLock",
    "Cell",
    "RefCell",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "matches",
    "vec",
    "format",
    "unreachable",
    "todo",
    "unimplemented",
];

/// Keywords that introduce a named item.
const ITEM_KEYWORDS: &[&str] = &[
    "struct", "enum", "union", "type", "trait", "fn", "const", "static", "mod",
];

/// What `source` (the learner's file) contains that the runner refuses to build.
pub fn learner_file(source: &str) -> Vec<Refusal> {
    let toks = tokenize(source);
    let mut out = Vec::new();
    let mut in_use = false;
    // Tokens before this index were read as part of an attribute.
    let mut skip_to = 0;
    for (i, t) in toks.iter().enumerate() {
        if i < skip_to {
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| toks.get(p));
        let next = toks.get(i + 1);
        if t.is_ident("use") {
            in_use = true;
        } else if t.is_punct(";") {
            in_use = false;
        }
        if t.kind != Kind::Ident {
            if t.is_punct("#") {
                skip_to = attribute(&toks, i, &mut out);
            }
            continue;
        }
        let word = t.text;
        let refuse = |out: &mut Vec<Refusal>, why: &str| out.push(refusal(t, why));
        let in_path = prev.is_some_and(|p| p.is_punct("::"))
            || next.is_some_and(|n| n.is_punct("::"))
            || in_use;
        if next.is_some_and(|n| n.is_punct("!")) && MACROS.contains(&word) {
            refuse(
                &mut out,
                &format!(
                    "`{word}!` reads files or the environment at compile time, or emits raw code"
                ),
            );
        } else if in_path && OUTSIDE.contains(&word) {
            refuse(
                &mut out,
                &format!(
                    "`{word}` reaches outside the program (processes, files, environment, network) \
                     or catches the tests' panics"
                ),
            );
        } else if word == "macro_rules" || word == "macro" {
            refuse(
                &mut out,
                "macros of your own are not allowed here: they could redefine `assert_eq!` and \
                 the like; write a function instead",
            );
        } else if word == "extern" {
            refuse(
                &mut out,
                "`extern` (foreign functions, other crates) is not allowed in an exercise",
            );
        } else if word == "impl" {
            if let Some(name) = implemented_trait(&toks, i)
                && COMPARISONS.contains(&name.text)
            {
                out.push(refusal(
                    name,
                    &format!(
                        "a hand-written `{}` impl is not allowed: use `#[derive({})]`, which compares \
                         field by field",
                        name.text, name.text
                    ),
                ));
            }
        } else if (ITEM_KEYWORDS.contains(&word) || (word == "as" && in_use))
            && !prev.is_some_and(|p| p.is_punct("*"))
            && let Some(name) = next.filter(|n| n.kind == Kind::Ident)
            && STD_NAMES.contains(&name.text)
        {
            out.push(refusal(
                name,
                &format!(
                    "`{}` is a name from the standard library that the hidden tests use; \
                     give yours another name",
                    name.text
                ),
            ));
        }
    }
    out
}

/// A refusal at `t`, with the message prefixed by the line for plain-text readers.
fn refusal(t: &Token<'_>, why: &str) -> Refusal {
    Refusal {
        line: t.line,
        column: t.column,
        message: format!("line {}: {why}", t.line),
    }
}

/// Checks the attribute starting at `toks[hash]` (`#[...]` or `#![...]`) for names in
/// [`ATTRIBUTES`], including inside `cfg_attr(...)`; `cfg` is allowed as an outer
/// attribute (`#[cfg(test)]`) but not on the whole crate, where it could compile the
/// hidden tests away. Returns the index after the attribute, so each token is read once.
fn attribute(toks: &[Token<'_>], hash: usize, out: &mut Vec<Refusal>) -> usize {
    let inner = toks.get(hash + 1).is_some_and(|t| t.is_punct("!"));
    let open = hash + if inner { 2 } else { 1 };
    if !toks.get(open).is_some_and(|t| t.is_punct("[")) {
        return hash + 1;
    }
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct("[") || t.is_punct("(") {
            depth += 1;
        } else if t.is_punct("]") || t.is_punct(")") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i + 1;
            }
        } else if t.kind == Kind::Ident
            && MACROS.contains(&t.text)
            && toks.get(i + 1).is_some_and(|n| n.is_punct("!"))
        {
            out.push(refusal(
                t,
                &format!(
                    "`{}!` reads files or the environment at compile time",
                    t.text
                ),
            ));
        } else if t.kind == Kind::Ident
            && ATTRIBUTES.contains(&t.text)
            && (inner || t.text != "cfg")
        {
            out.push(refusal(
                t,
                &format!(
                    "the attribute `{}` is not allowed in an exercise (it changes how the program \
                     is built or linked)",
                    t.text
                ),
            ));
        }
    }
    toks.len()
}

/// The last segment of the trait in `impl<..> Trait<..> for Type`, if `toks[at]` starts
/// such an impl (an inherent `impl Type { .. }` has none). The header ends at the first
/// `{` or `;` (or another `impl`), so headers never overlap and the scan stays linear.
fn implemented_trait<'t, 'a>(toks: &'t [Token<'a>], at: usize) -> Option<&'t Token<'a>> {
    let mut i = at + 1;
    if toks.get(i)?.is_punct("<") {
        i = skip_generics(toks, i)?;
    }
    let mut last = None;
    let mut depth = 0usize;
    for t in &toks[i..] {
        match t.text {
            "<" => depth += 1,
            ">" => depth = depth.saturating_sub(1),
            "{" | ";" | "impl" => return None,
            "for" if depth == 0 => return last,
            _ if depth == 0 && t.kind == Kind::Ident => last = Some(t),
            _ => {}
        }
    }
    None
}

/// The index after the `>` closing the `<` at `toks[open]`.
fn skip_generics(toks: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct("<") {
            depth += 1;
        } else if t.is_punct("{") || t.is_punct(";") || t.is_ident("impl") {
            return None;
        } else if t.is_punct(">") {
            depth -= 1;
            if depth == 0 {
                return Some(i + 1);
            }
        }
    }
    None
}

/// Macro calls in the hidden tests that are not fully qualified (`::core::assert_eq!`,
/// `::std::vec!`): a bare `assert_eq!` would resolve to whatever the learner's file
/// defines under that name. Macros the tests define themselves are allowed.
pub fn unqualified_macros(tests: &str) -> Vec<Refusal> {
    let toks = tokenize(tests);
    let own: Vec<&str> = toks
        .windows(3)
        .filter(|w| w[0].is_ident("macro_rules") && w[1].is_punct("!"))
        .map(|w| w[2].text)
        .collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let called = t.kind == Kind::Ident
            && !is_keyword(t.text)
            && t.text != "macro_rules"
            && toks.get(i + 1).is_some_and(|n| n.is_punct("!"))
            && toks
                .get(i + 2)
                .is_some_and(|n| n.is_punct("(") || n.is_punct("[") || n.is_punct("{"));
        if !called || own.contains(&t.text) {
            continue;
        }
        let qualified = i >= 3
            && toks[i - 1].is_punct("::")
            && matches!(toks[i - 2].text, "core" | "std" | "alloc")
            && toks[i - 3].is_punct("::")
            && !(i >= 4 && toks[i - 4].kind == Kind::Ident);
        if !qualified {
            out.push(refusal(
                t,
                &format!(
                    "`{0}!` must be written `::core::{0}!` or `::std::{0}!` in hidden tests, so the \
                     learner's file cannot shadow it",
                    t.text
                ),
            ));
        }
    }
    out
}

fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "if" | "while"
            | "match"
            | "return"
            | "in"
            | "else"
            | "let"
            | "break"
            | "loop"
            | "for"
            | "as"
            | "mut"
            | "move"
            | "yield"
            | "where"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> Vec<usize> {
        learner_file(src).iter().map(|r| r.line).collect()
    }

    #[test]
    fn plain_exercise_code_passes() {
        let src = r#"
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State { Closed, Open }
impl<T: PartialEq> Wrapper<T> { fn same(&self) -> bool { true } }
impl std::fmt::Display for State { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }
/// Reads the env var named in "std::process".
pub fn f(env: u32, os: &str) -> u32 { if !true { 1 } else { env } }
#[cfg(test)] mod tests { #[test] fn t() { assert_eq!(1, 1); } }
"#;
        assert_eq!(learner_file(src), []);
    }

    #[test]
    fn the_known_forgeries_are_refused_at_their_line() {
        assert_eq!(lines("fn a() {}\nfn b() { std::process::exit(0) }"), [2]);
        assert_eq!(lines("use std::{io, fs};"), [1]);
        assert_eq!(lines("use std::process as p;"), [1]);
        assert_eq!(lines("const T: &str = include_str!(file!());"), [1]);
        assert_eq!(
            lines("\n\nmacro_rules! assert_eq { ($($t:tt)*) => {} }"),
            [3]
        );
        assert_eq!(
            lines("#[used]\n#[link_section = \".init_array\"]\nstatic I: fn() = f;"),
            [1, 2]
        );
        assert_eq!(lines("#[cfg_attr(all(), no_mangle)] fn f() {}"), [1]);
        assert_eq!(
            lines("extern \"C\" { fn system(c: *const u8) -> i32; }"),
            [1]
        );
        assert_eq!(lines("#![no_main]"), [1]);
        assert_eq!(lines("#![cfg(any())]"), [1]);
        assert_eq!(lines("#[path = \"../tests.rs\"] mod t;"), [1]);
        assert_eq!(
            lines("#[doc = include_str!(\"../tests.rs\")]\nfn f() {}"),
            [1]
        );
        assert_eq!(
            lines("fn f() { let x = std::panic::catch_unwind(|| 1); }"),
            [1]
        );
        assert_eq!(lines("const A: &str = env!(\"HOME\");"), [1]);
        assert_eq!(lines("fn f() { r#std::r#fs::read(\"x\"); }"), [1]);
    }

    #[test]
    fn comparisons_must_be_derived_and_std_names_are_kept() {
        assert_eq!(
            lines("struct S;\nimpl PartialEq for S { fn eq(&self, _: &S) -> bool { true } }"),
            [2]
        );
        assert_eq!(lines("impl<T> ::core::cmp::PartialEq<T> for S {}"), [1]);
        assert_eq!(lines("pub struct Duration;"), [1]);
        assert_eq!(lines("use crate::mine as Some;"), [1]);
        assert_eq!(lines("impl Ord for S {}"), [1]);
        assert!(lines("fn f(x: u8) -> usize { x as usize }").is_empty());
    }

    #[test]
    fn unclosed_attributes_and_impl_headers_are_read_once() {
        let many = "#[ impl< impl PartialEq ".repeat(20_000);
        let _ = learner_file(&many);
        assert_eq!(lines("impl<T: Clone> PartialEq for S<T> {}"), [1]);
    }

    #[test]
    fn hidden_tests_must_qualify_their_macros() {
        let ok = "macro_rules! mine { () => {} }\n#[test] fn t() { ::core::assert_eq!(1, 1); mine!(); \
                  let v = ::std::vec![1]; if !v.is_empty() {} }";
        assert_eq!(unqualified_macros(ok), []);
        let bad = "#[test] fn t() {\n assert_eq!(1, 1);\n x::core::assert!(true); }";
        let found: Vec<usize> = unqualified_macros(bad).iter().map(|r| r.line).collect();
        assert_eq!(found, [2, 3]);
    }
}

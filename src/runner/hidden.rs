//! The hidden tests as their file lists them: each `#[test]` function's path inside
//! module `grading` and the code of its body. The order is the file's (Exercism's
//! results.json wants tests in test-file order, libtest sorts them by name) and the body
//! is what the results show under "what this test checks" (`test_code` in results.json).

use super::tokens::{Kind, Token, tokenize};

/// The module the hidden tests are compiled as (inside the nonce module).
pub const MODULE: &str = "grading";

/// One `#[test]` function of the hidden test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenTest {
    /// The path inside `grading`: `name`, or `module::name` for a test in a nested module.
    pub path: String,
    /// The body between the function's braces, its common indentation removed.
    pub code: String,
}

/// Every `#[test]` function of `tests` (the body of module `grading`), in file order.
/// Other attributes may sit between `#[test]` and the `fn`; a test in an inline module
/// (`mod m { ... }`) gets the module in its path. Text this does not understand (an
/// unclosed brace) ends the list early rather than failing.
pub fn hidden_tests(tests: &str) -> Vec<HiddenTest> {
    let toks = tokenize(tests);
    let mut found = Vec::new();
    // The modules we are in, with the brace depth just inside each.
    let mut modules: Vec<(&str, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut marked = false;
    let mut i = 0;
    while let Some(tok) = toks.get(i) {
        if is_test_attribute(&toks[i..]) {
            marked = true;
            i += 4;
            continue;
        }
        match (tok.kind, tok.text) {
            (Kind::Punct, "{") => depth += 1,
            (Kind::Punct, "}") => {
                depth = depth.saturating_sub(1);
                if modules.last().is_some_and(|&(_, d)| d > depth) {
                    modules.pop();
                }
            }
            (Kind::Ident, "mod") => {
                if let [name, open, ..] = &toks[i + 1..]
                    && name.kind == Kind::Ident
                    && open.is_punct("{")
                {
                    modules.push((name.text, depth + 1));
                    marked = false;
                }
            }
            (Kind::Ident, "fn") => {
                // `fn(u32) -> u32` is a type, not an item.
                let Some(name) = toks.get(i + 1).filter(|t| t.kind == Kind::Ident) else {
                    i += 1;
                    continue;
                };
                match body_after(&toks, i + 2) {
                    Body::Braces(open, close) => {
                        if marked {
                            let mut path: Vec<&str> = modules.iter().map(|&(m, _)| m).collect();
                            path.push(name.text);
                            let inner = &tests[toks[open].offset + 1..toks[close].offset];
                            found.push(HiddenTest {
                                path: path.join("::"),
                                code: dedent(inner),
                            });
                        }
                        marked = false;
                        i = close + 1;
                        continue;
                    }
                    // A declaration without a body (in a trait or an `extern` block).
                    Body::None(semicolon) => {
                        marked = false;
                        i = semicolon + 1;
                        continue;
                    }
                    Body::Unclosed => break,
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Where the test libtest calls `shown` (`grading::name`, the nonce module already
/// removed) stands in `in_file`.
pub fn position(in_file: &[HiddenTest], shown: &str) -> Option<usize> {
    let path = shown.strip_prefix(MODULE)?.strip_prefix("::")?;
    in_file.iter().position(|t| t.path == path)
}

/// `#[test]` at the start of `toks`.
fn is_test_attribute(toks: &[Token<'_>]) -> bool {
    matches!(toks, [hash, open, word, close, ..]
        if hash.is_punct("#") && open.is_punct("[") && word.is_ident("test") && close.is_punct("]"))
}

/// What follows a function's name.
enum Body {
    /// The indices of its `{` and of the `}` that closes it.
    Braces(usize, usize),
    /// The index of the `;` that ends a declaration.
    None(usize),
    /// Braces that never close, or neither braces nor `;`.
    Unclosed,
}

/// The body of the function whose signature starts at `from`: the first `{` or `;`
/// decides (a signature holds neither).
fn body_after(toks: &[Token<'_>], from: usize) -> Body {
    let Some(open) = toks
        .iter()
        .skip(from)
        .position(|t| t.is_punct("{") || t.is_punct(";"))
        .map(|at| from + at)
    else {
        return Body::Unclosed;
    };
    if toks[open].is_punct(";") {
        return Body::None(open);
    }
    let mut depth = 0usize;
    for (at, tok) in toks.iter().enumerate().skip(open) {
        if tok.is_punct("{") {
            depth += 1;
        } else if tok.is_punct("}") {
            depth -= 1;
            if depth == 0 {
                return Body::Braces(open, at);
            }
        }
    }
    Body::Unclosed
}

/// `text` without its blank first and last lines and without the indentation every
/// other line shares.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let lines = &lines[first..=last];
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_come_in_file_order_with_their_bodies() {
        let src = "use super::*;\n\nfn helper() -> u32 { 1 }\n\n#[test]\nfn zebra() {\n    \
                   let x = helper();\n    ::core::assert_eq!(x, 1);\n}\n\n#[test]\n\
                   #[should_panic]\nfn apple() { ::core::panic!(\"{}\", '}'); }\n";
        let found = hidden_tests(src);
        let paths: Vec<&str> = found.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(paths, ["zebra", "apple"]);
        assert_eq!(
            found[0].code,
            "let x = helper();\n::core::assert_eq!(x, 1);"
        );
        assert_eq!(found[1].code, "::core::panic!(\"{}\", '}');");
        assert_eq!(position(&found, "grading::apple"), Some(1));
        assert_eq!(position(&found, "examples::apple"), None);
    }

    #[test]
    fn nested_modules_name_their_tests_and_helpers_are_not_tests() {
        let src = "mod parse {\n    use super::*;\n    #[test]\n    fn empty() {\n        \
                   if true { }\n    }\n    fn not_a_test() {}\n}\n#[derive(Default)]\nstruct S;\n\
                   type F = fn(u32) -> u32;\ntrait T { fn t(&self); }\n#[test]\nfn top() {}\n";
        let found = hidden_tests(src);
        let paths: Vec<&str> = found.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(paths, ["parse::empty", "top"]);
        assert_eq!(found[0].code, "if true { }");
        assert_eq!(found[1].code, "");
    }

    #[test]
    fn an_unclosed_body_ends_the_list() {
        let found = hidden_tests("#[test]\nfn a() {}\n#[test]\nfn b() { {\n");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn every_exercise_lists_each_of_its_tests() {
        let catalog = crate::runner::load_catalog(&crate::content::ContentSource::Embedded, None);
        assert!(!catalog.exercises.is_empty());
        for ex in &catalog.exercises {
            let found = hidden_tests(&ex.tests);
            assert_eq!(
                found.len(),
                ex.tests.matches("#[test]").count(),
                "{}",
                ex.id
            );
            assert!(found.iter().all(|t| !t.code.is_empty()), "{}", ex.id);
        }
    }
}

//! Cloze deletions: `{{c1::answer}}` or `{{c1::answer::hint}}` in a card's text. A cloze
//! card becomes one card per number; on card `c1` every `c1` gap is hidden and the
//! other gaps show their answers.

use std::collections::BTreeSet;

/// A piece of cloze text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Gap {
        number: u32,
        answer: String,
        hint: Option<String>,
    },
}

/// A malformed cloze, with the byte offset in the text where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClozeError {
    pub offset: usize,
    pub message: String,
}

/// Splits `text` into plain text and gaps.
pub fn parse(text: &str) -> Result<Vec<Segment>, ClozeError> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            out.push(Segment::Text(rest[..open].to_owned()));
        }
        let offset = consumed + open;
        let body_start = open + 2;
        let Some(close) = rest[body_start..].find("}}") else {
            return Err(ClozeError {
                offset,
                message: "`{{` is never closed with `}}`".to_owned(),
            });
        };
        let body = &rest[body_start..body_start + close];
        out.push(gap(body, offset)?);
        let after = body_start + close + 2;
        consumed += after;
        rest = &rest[after..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(rest.to_owned()));
    }
    Ok(out)
}

fn gap(body: &str, offset: usize) -> Result<Segment, ClozeError> {
    let bad = |message: String| ClozeError { offset, message };
    let mut parts = body.splitn(3, "::");
    let label = parts.next().unwrap_or_default();
    let number = label
        .strip_prefix('c')
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            bad(format!(
                "cloze `{{{{{body}}}}}` must start with c1::, c2::, ..."
            ))
        })?;
    let answer = parts.next().unwrap_or_default().trim();
    if answer.is_empty() {
        return Err(bad(format!("cloze c{number} has no answer after `::`")));
    }
    let hint = parts
        .next()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    Ok(Segment::Gap {
        number,
        answer: answer.to_owned(),
        hint,
    })
}

/// The cloze numbers used, in order.
pub fn numbers(segments: &[Segment]) -> BTreeSet<u32> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Gap { number, .. } => Some(*number),
            Segment::Text(_) => None,
        })
        .collect()
}

/// The question for card `number`: its gaps hidden (showing the hint when there is one),
/// the others filled in.
pub fn question(segments: &[Segment], number: u32) -> String {
    render(segments, |n, answer, hint| {
        if n == number {
            format!("**[{}]**", hint.unwrap_or("…"))
        } else {
            answer.to_owned()
        }
    })
}

/// The answer for card `number`: its gaps filled in and emphasised.
pub fn answer(segments: &[Segment], number: u32) -> String {
    render(segments, |n, answer, _| {
        if n == number {
            format!("**{answer}**")
        } else {
            answer.to_owned()
        }
    })
}

/// The text with every gap filled in, for search and export previews.
pub fn plain(segments: &[Segment]) -> String {
    render(segments, |_, answer, _| answer.to_owned())
}

fn render(segments: &[Segment], gap: impl Fn(u32, &str, Option<&str>) -> String) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) => t.clone(),
            Segment::Gap {
                number,
                answer,
                hint,
            } => gap(*number, answer, hint.as_deref()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_number_hides_only_its_gaps() {
        let s = parse("An {{c1::OPEN}} breaker {{c2::rejects::what?}} calls.").unwrap();
        assert_eq!(numbers(&s).into_iter().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(question(&s, 1), "An **[…]** breaker rejects calls.");
        assert_eq!(question(&s, 2), "An OPEN breaker **[what?]** calls.");
        assert_eq!(answer(&s, 2), "An OPEN breaker **rejects** calls.");
        assert_eq!(plain(&s), "An OPEN breaker rejects calls.");
    }

    #[test]
    fn malformed_gaps_say_where() {
        let err = parse("ok {{c1::open").unwrap_err();
        assert_eq!(err.offset, 3);
        assert!(parse("{{x1::a}}").is_err());
        assert!(parse("{{c1::}}").is_err());
        assert!(parse("{{c0::a}}").is_err());
    }
}

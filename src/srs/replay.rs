//! Headless replay: a CSV of reviews (`card_id,review_time,rating`) run through the
//! scheduler, printing the schedule after each. Authors use it to see how a card would
//! travel; the tests use it to compare the scheduler with py-fsrs.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::scheduler::{CardSchedule, Rating, Scheduler};
use super::{SrsError, time};

/// The header every replay file starts with.
pub const INPUT_HEADER: &str = "card_id,review_time,rating";
/// The header of the output.
pub const OUTPUT_HEADER: &str = "card_id,review_time,rating,state,stability,difficulty,due";

/// One review read from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewLine {
    /// 1-based line in the file, for messages.
    pub line: usize,
    pub card_id: String,
    pub time: DateTime<Utc>,
    pub rating: Rating,
}

/// Reads the CSV. Blank lines and lines starting with `#` are skipped, so fixtures can
/// say where they came from.
pub fn parse(text: &str) -> Result<Vec<ReviewLine>, SrsError> {
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    match rows.next() {
        Some((_, header)) if header.replace(' ', "") == INPUT_HEADER => {}
        Some((line, _)) => {
            return Err(SrsError::Csv {
                line,
                message: format!("the first line must be the header `{INPUT_HEADER}`"),
            });
        }
        None => {
            return Err(SrsError::Csv {
                line: 1,
                message: format!("empty file; expected the header `{INPUT_HEADER}`"),
            });
        }
    }
    rows.map(|(line, row)| parse_row(line, row)).collect()
}

fn parse_row(line: usize, row: &str) -> Result<ReviewLine, SrsError> {
    let bad = |message: String| SrsError::Csv { line, message };
    let fields: Vec<&str> = row.split(',').map(str::trim).collect();
    let [card_id, when, rating] = fields[..] else {
        return Err(bad(format!(
            "expected 3 fields `card_id,review_time,rating`, found {}",
            fields.len()
        )));
    };
    if card_id.is_empty() {
        return Err(bad("empty card_id".to_owned()));
    }
    let time = time::parse(when).ok_or_else(|| {
        bad(format!(
            "review_time `{when}` is not RFC 3339, e.g. 2026-01-31T09:00:00Z"
        ))
    })?;
    let rating = rating
        .parse::<u8>()
        .ok()
        .and_then(Rating::from_number)
        .ok_or_else(|| bad(format!("rating `{rating}` must be 1, 2, 3 or 4")))?;
    Ok(ReviewLine {
        line,
        card_id: card_id.to_owned(),
        time,
        rating,
    })
}

/// One output row: the review and the card's schedule after it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayRow {
    pub review: ReviewLine,
    pub after: CardSchedule,
}

/// Runs every review in order; each card keeps its own schedule. A review earlier than
/// the card's previous one is refused: the scheduler only moves forward in time.
pub fn replay(scheduler: &Scheduler, reviews: &[ReviewLine]) -> Result<Vec<ReplayRow>, SrsError> {
    let mut cards: HashMap<&str, CardSchedule> = HashMap::new();
    let mut out = Vec::with_capacity(reviews.len());
    for review in reviews {
        let card = cards.entry(review.card_id.as_str()).or_default();
        if card.last_review.is_some_and(|last| review.time < last) {
            return Err(SrsError::Csv {
                line: review.line,
                message: format!(
                    "review of `{}` is earlier than its previous review",
                    review.card_id
                ),
            });
        }
        *card = scheduler.review(&review.card_id, card, review.rating, review.time)?;
        out.push(ReplayRow {
            review: review.clone(),
            after: card.clone(),
        });
    }
    Ok(out)
}

/// The output CSV, header included.
pub fn to_csv(rows: &[ReplayRow]) -> String {
    let mut out = format!("{OUTPUT_HEADER}\n");
    for row in rows {
        let memory = row.after.memory;
        let _ = writeln!(
            out,
            "{},{},{},{},{:.4},{:.4},{}",
            row.review.card_id,
            time::format(row.review.time),
            row.review.rating.number(),
            row.after.state.label(),
            memory.map_or(0.0, |m| m.stability),
            memory.map_or(0.0, |m| m.difficulty),
            row.after.due.map(time::format).unwrap_or_default(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_name_their_line() {
        let err = parse("card_id,review_time,rating\na,2026-01-01T00:00:00Z,5\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = parse("# c\ncard_id,review_time,rating\n\na,yesterday,3\n").unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
        assert!(parse("a,b,c,d\n").is_err());
    }

    #[test]
    fn interleaved_cards_keep_separate_schedules() {
        let text = "card_id,review_time,rating\n\
                    a,2026-01-01T00:00:00Z,3\n\
                    b,2026-01-01T00:00:30Z,1\n\
                    a,2026-01-01T00:10:00Z,3\n";
        let s = Scheduler::new(0.9, false).unwrap();
        let rows = replay(&s, &parse(text).unwrap()).unwrap();
        let csv = to_csv(&rows);
        assert!(
            csv.contains("b,2026-01-01T00:00:30Z,1,Learning,0.2120,6.4133,2026-01-01T00:01:30Z"),
            "{csv}"
        );
        assert!(csv.lines().nth(3).unwrap().contains(",Review,"), "{csv}");
    }
}

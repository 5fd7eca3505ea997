//! Exercises in teaching order: grouped under the section that teaches them, in lesson
//! order, easy before hard within a section. The Exercises screen lists them this way and
//! the Continue rule picks from it.

use crate::content::{Library, Section};
use crate::runner::exercise::{Catalog, Difficulty, Exercise};

/// One group of the list: a section (or `None` for exercises no section names).
#[derive(Debug)]
pub struct Group<'a> {
    pub pack: Option<&'a str>,
    /// 1-based position in the lesson, with the section.
    pub section: Option<(usize, &'a Section)>,
    pub exercises: Vec<&'a Exercise>,
}

fn rank(d: Difficulty) -> u8 {
    match d {
        Difficulty::Easy => 0,
        Difficulty::Medium => 1,
        Difficulty::Hard => 2,
    }
}

/// The section's exercises, easiest first (the section's own order breaks ties).
pub fn section_exercises<'a>(catalog: &'a Catalog, section: &Section) -> Vec<&'a Exercise> {
    let mut list: Vec<&Exercise> = section
        .exercises
        .iter()
        .filter_map(|id| catalog.get(id))
        .collect();
    list.sort_by_key(|e| rank(e.difficulty));
    list
}

/// Every exercise, grouped by section in lesson order; sections without exercises are
/// left out, and exercises no section lists come last.
pub fn groups<'a>(library: &'a Library, catalog: &'a Catalog) -> Vec<Group<'a>> {
    let mut groups: Vec<Group> = library
        .packs
        .iter()
        .flat_map(|pack| {
            pack.sections.iter().enumerate().map(move |(i, s)| Group {
                pack: Some(pack.id.as_str()),
                section: Some((i + 1, s)),
                exercises: section_exercises(catalog, s),
            })
        })
        .filter(|g| !g.exercises.is_empty())
        .collect();
    let listed = |e: &Exercise| {
        groups
            .iter()
            .any(|g| g.exercises.iter().any(|x| x.id == e.id))
    };
    let rest: Vec<&Exercise> = catalog.exercises.iter().filter(|e| !listed(e)).collect();
    if !rest.is_empty() {
        groups.push(Group {
            pack: None,
            section: None,
            exercises: rest,
        });
    }
    groups
}

/// Every exercise in teaching order, flattened.
pub fn ordered<'a>(library: &'a Library, catalog: &'a Catalog) -> Vec<&'a Exercise> {
    groups(library, catalog)
        .into_iter()
        .flat_map(|g| g.exercises)
        .collect()
}

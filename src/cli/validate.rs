//! `workbook validate`: every problem in every pack, one per line as file:line:column.

use anyhow::Result;

use super::{EXIT_FAILED, EXIT_OK};
use crate::content::{self, ContentSource};

pub fn run(source: &ContentSource) -> Result<u8> {
    let library = content::load_library(source);
    let mut problems = library.problems.clone();
    let catalog = crate::runner::load_catalog(source, Some(&library));
    problems.extend(catalog.problems.iter().cloned());
    problems.extend(content::task::check(source, &catalog));
    problems.extend(crate::srs::load_decks(source, &library).problems);
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        let sections: usize = library.packs.iter().map(|p| p.sections.len()).sum();
        println!(
            "ok: {} lesson pack(s), {sections} section(s) in {}",
            library.packs.len(),
            source.describe()
        );
        Ok(EXIT_OK)
    } else {
        eprintln!("{} problem(s) found", problems.len());
        Ok(EXIT_FAILED)
    }
}

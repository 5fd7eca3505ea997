//! Links inside lesson Markdown that lead to another screen of the app, written as
//! `[text](workbook://post-mortem)`: the part after `workbook://` is a screen's label in
//! lower case with spaces as dashes.
//!
//! The Markdown viewer turns a clicked link into an "open URL" command for the platform;
//! [`take_internal_links`] removes the app's own links from those commands before the
//! platform sees them (so no browser opens), and returns where they lead.

use crate::ui::state::{Nav, Screen};

/// The scheme of links that stay inside the app.
pub const SCHEME: &str = "workbook://";

/// The screen a `workbook://` link names, or `None` for other links and unknown names.
pub fn parse(url: &str) -> Option<Nav> {
    let name = url.strip_prefix(SCHEME)?;
    Screen::ALL
        .into_iter()
        .find(|screen| slug(screen.label()) == name)
        .map(Nav::Screen)
}

fn slug(label: &str) -> String {
    label.to_lowercase().replace(' ', "-")
}

/// Takes this frame's clicked `workbook://` links out of the platform output. Unknown
/// `workbook://` names are dropped too, with a warning: a browser could not open them.
pub fn take_internal_links(ctx: &egui::Context) -> Vec<Nav> {
    let mut navs = Vec::new();
    ctx.output_mut(|output| {
        output.commands.retain(|command| match command {
            egui::OutputCommand::OpenUrl(open) if open.url.starts_with(SCHEME) => {
                match parse(&open.url) {
                    Some(nav) => navs.push(nav),
                    None => tracing::warn!(url = %open.url, "link to an unknown screen"),
                }
                false
            }
            _ => true,
        });
    });
    navs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_has_a_link_name() {
        assert_eq!(
            parse("workbook://post-mortem"),
            Some(Nav::Screen(Screen::PostMortem))
        );
        for screen in Screen::ALL {
            let url = format!("{SCHEME}{}", slug(screen.label()));
            assert_eq!(parse(&url), Some(Nav::Screen(screen)), "{url}");
        }
    }

    #[test]
    fn other_links_are_not_ours() {
        assert_eq!(parse("https://example.org"), None);
        assert_eq!(parse("workbook://nowhere"), None);
    }

    #[test]
    fn clicked_internal_links_never_reach_the_platform() {
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(Default::default(), |ui| {
            ui.ctx()
                .open_url(egui::OpenUrl::same_tab("workbook://post-mortem"));
            ui.ctx()
                .open_url(egui::OpenUrl::same_tab("https://example.org"));
            assert_eq!(
                take_internal_links(ui.ctx()),
                vec![Nav::Screen(Screen::PostMortem)]
            );
            let left = ui.ctx().output(|o| o.commands.len());
            assert_eq!(left, 1, "the web link is still for the platform");
        });
        // The test has no renderer to hand the font texture to.
        output.textures_delta.clear();
    }
}

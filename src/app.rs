//! The eframe application: owns the state (content, progress, background runtime), the
//! screens and navigation, and wires the core to the views.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use anyhow::{Context, Result};

use crate::content::drill::Drills;
use crate::content::{self, ContentSource, Library};
use crate::drill;
use crate::runner::{Catalog, load_catalog};
use crate::srs::Deck;
use crate::store::progress::ThemeChoice;
use crate::store::{Quarantined, Store};
use crate::ui;
use crate::ui::state::{Nav, Screen, Shared};
use crate::ui::theme::{self, Semantic};

/// Where the app reads and writes.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub data_dir: PathBuf,
    pub content: ContentSource,
    /// Print the time to the first painted frame and the resident memory, then close
    /// (`workbook --startup-report`). `Some` holds the moment `main` began.
    pub startup_report: Option<std::time::Instant>,
}

/// The window icon: an original design (a shield with a stitched scar), kept as PNG in
/// `assets/icon/` at the sizes desktops ask for; the window takes the largest.
const ICON_PNG: &[u8] = include_bytes!("../assets/icon/resilience-workbook-256.png");

/// The app id the window, the `.desktop` entry and the icon file share.
pub const APP_ID: &str = "resilience-workbook";

pub struct WorkbookApp {
    shared: Shared,
    screen: Screen,
    lesson: ui::lesson::LessonScreen,
    postmortem: ui::postmortem::PostMortemScreen,
    flashcards: ui::flashcards::FlashcardsScreen,
    simulations: ui::simulations::SimulationsScreen,
    exercises: ui::exercises::ExercisesScreen,
    drills: ui::drills::DrillsScreen,
    progress: ui::progress::ProgressScreen,
    home: ui::home::HomeScreen,
    about: ui::about::AboutScreen,
    search: ui::search::Search,
    /// Owns the worker threads behind `shared.runtime`; dropped with the app.
    _runtime: tokio::runtime::Runtime,
    /// Content change notifications when content is read from disk (`--content`).
    content_changes: Option<(notify::RecommendedWatcher, mpsc::Receiver<()>)>,
    applied_theme: Option<ThemeChoice>,
}

impl WorkbookApp {
    /// Prepares every screen over already opened progress; `quarantined` is shown in a
    /// banner until dismissed.
    pub fn new(
        ctx: &egui::Context,
        content: ContentSource,
        store: Store,
        quarantined: Option<Quarantined>,
    ) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("workbook-worker")
            .build()
            .context("cannot start the background runtime")?;
        let library = content::load_library(&content);
        for problem in &library.problems {
            tracing::warn!(%problem, "content problem");
        }
        let content_changes = content
            .disk_root()
            .and_then(|root| watch(root, ctx.clone()));
        let screen =
            Screen::from_label(&store.progress.settings.last_screen).unwrap_or(Screen::Home);
        egui_extras::install_image_loaders(ctx);
        theme::install_fonts(ctx);
        theme::apply(ctx);
        ctx.set_zoom_factor(store.progress.settings.zoom.clamp(0.5, 3.0));
        let (deck, catalog, drills) = load_practice(&content, &library);
        Ok(Self {
            shared: Shared {
                content,
                library,
                deck,
                catalog,
                drills: Arc::new(drills),
                store,
                runtime: runtime.handle().clone(),
                nav: None,
                back_to: None,
                save_error: None,
                quarantined,
            },
            screen,
            lesson: Default::default(),
            postmortem: Default::default(),
            flashcards: Default::default(),
            simulations: Default::default(),
            exercises: Default::default(),
            drills: Default::default(),
            progress: Default::default(),
            home: Default::default(),
            about: Default::default(),
            search: Default::default(),
            _runtime: runtime,
            content_changes,
            applied_theme: None,
        })
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Draws one frame. Separate from `eframe::App` so tests can drive it headless.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let banners_before = self.banner_state();
        self.apply_theme(ui.ctx());
        self.reload_content_if_changed();
        self.shortcuts(ui);
        self.remember_view(ui.ctx());

        egui::Panel::left("navigation")
            .resizable(false)
            .exact_size(176.0)
            .show(ui, |ui| self.navigation_ui(ui));
        self.banners_ui(ui);
        egui::CentralPanel::default().show(ui, |ui| {
            self.back_chip_ui(ui);
            self.screen_ui(ui);
        });
        self.search.ui(ui.ctx(), &mut self.shared);

        for nav in ui::links::take_internal_links(ui.ctx()) {
            self.navigate(nav);
        }
        if let Some(nav) = self.shared.nav.take() {
            self.navigate(nav);
        }
        // A save during this frame may have come after the banners were drawn.
        if self.banner_state() != banners_before {
            ui.ctx().request_repaint();
        }
    }

    /// What the save banners show: a failed save, a progress file moved aside.
    fn banner_state(&self) -> (bool, bool) {
        (
            self.shared.save_error.is_some(),
            self.shared.quarantined.is_some(),
        )
    }

    fn navigation_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(theme::SPACE_M);
        ui.label(
            egui::RichText::new("Resilience\nWorkbook")
                .size(19.0)
                .strong(),
        );
        ui.add_space(theme::SPACE_M);
        for (i, screen) in Screen::ALL.into_iter().enumerate() {
            let text =
                egui::RichText::new(format!("{}  {}", screen.icon(), screen.label())).size(16.0);
            let button = egui::Button::selectable(self.screen == screen, text)
                .min_size(egui::vec2(ui.available_width(), 32.0));
            let selected = self.screen == screen;
            let response =
                ui.add(button)
                    .on_hover_text(format!("{} (Ctrl+{})", screen.label(), i + 1));
            // The accessible name is the plain screen name, without the icon.
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, selected, screen.label())
            });
            if response.clicked() {
                self.navigate(Nav::Screen(screen));
            }
        }
        ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
            ui.add_space(theme::SPACE_M);
            self.theme_switch_ui(ui);
            ui.label(
                egui::RichText::new("Zoom: Ctrl + / − / 0")
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
        });
    }

    fn theme_switch_ui(&mut self, ui: &mut egui::Ui) {
        let current = self.shared.store.progress.settings.theme;
        let mut chosen = current;
        ui.horizontal(|ui| {
            ui.selectable_value(&mut chosen, ThemeChoice::System, "💻")
                .on_hover_text("Follow the system theme");
            ui.selectable_value(&mut chosen, ThemeChoice::Light, "☀")
                .on_hover_text("Light theme");
            ui.selectable_value(&mut chosen, ThemeChoice::Dark, "🌙")
                .on_hover_text("Dark theme");
        });
        if chosen != current {
            self.shared.store.progress.settings.theme = chosen;
            self.shared.save();
        }
    }

    fn banners_ui(&mut self, ui: &mut egui::Ui) {
        let mut messages: Vec<(Semantic, String)> = Vec::new();
        if let Some(q) = &self.shared.quarantined {
            let then = if q.at_start {
                "you are starting fresh"
            } else {
                "another program had written it while the app ran; your progress here was saved in its place"
            };
            messages.push((
                Semantic::Waiting,
                format!(
                    "Your progress file could not be read ({}). It was kept as {} and {then}; nothing was deleted.",
                    q.reason,
                    q.copy.display()
                ),
            ));
        }
        if let Some(text) = &self.shared.store.read_only {
            messages.push((Semantic::Waiting, text.clone()));
        }
        if let Some(e) = &self.shared.save_error {
            messages.push((
                Semantic::Failing,
                format!("Progress could not be saved: {e}"),
            ));
        }
        if !self.shared.library.problems.is_empty() {
            let first = &self.shared.library.problems[0];
            messages.push((
                Semantic::Failing,
                format!(
                    "{} content problem(s); the first: {first}. Run `workbook validate` for all.",
                    self.shared.library.problems.len()
                ),
            ));
        }
        if messages.is_empty() {
            return;
        }
        let mut dismiss = false;
        egui::Panel::top("banners").show(ui, |ui| {
            for (sem, text) in &messages {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(sem.in_ui(ui), "⚠");
                    ui.label(text);
                });
            }
            if self.shared.quarantined.is_some() && ui.small_button("Dismiss").clicked() {
                dismiss = true;
            }
        });
        if dismiss {
            self.shared.quarantined = None;
        }
    }

    /// "← Back to section 3" on a screen reached from a lesson link.
    fn back_chip_ui(&mut self, ui: &mut egui::Ui) {
        if self.screen == Screen::Lesson {
            self.shared.back_to = None;
        }
        let Some(at) = self.shared.back_to.clone() else {
            return;
        };
        let Some(title) = self.shared.section_title(&at) else {
            return;
        };
        ui.horizontal(|ui| {
            let chip = ui
                .add(egui::Button::new(format!("← Back to section {title}")).small())
                .on_hover_text("Return to the lesson section you came from");
            if chip.clicked() {
                self.shared.nav = Some(Nav::Section(at, None));
            }
        });
    }

    fn screen_ui(&mut self, ui: &mut egui::Ui) {
        match self.screen {
            Screen::Home => self.home.ui(ui, &mut self.shared),
            Screen::Lesson => {
                let sims = &self.simulations;
                let links = ui::lesson::LinkTargets {
                    simulation: &|id| sims.supports(id),
                };
                self.lesson.ui(ui, &mut self.shared, &links);
            }
            Screen::PostMortem => self.postmortem.ui(ui, &mut self.shared),
            Screen::Flashcards => self.flashcards.ui(ui, &mut self.shared),
            Screen::Simulations => self.simulations.ui(ui, &mut self.shared),
            Screen::Exercises => self.exercises.ui(ui, &mut self.shared),
            Screen::Drills => {
                if self.drills.ui(ui, &mut self.shared) {
                    self.flashcards.reload();
                }
            }
            Screen::Progress => self.progress.ui(ui, &mut self.shared),
            Screen::About => self.about.ui(ui, &mut self.shared),
        }
    }

    fn navigate(&mut self, nav: Nav) {
        let screen = match nav {
            Nav::Screen(screen) => {
                // The rail and the shortcuts leave the lesson link's trail.
                self.shared.back_to = None;
                screen
            }
            Nav::Search => {
                self.search.open();
                return;
            }
            Nav::Section(at, part) => {
                self.lesson.open(&mut self.shared, &at, part);
                Screen::Lesson
            }
            Nav::Simulation(id) => {
                self.simulations.open(&id);
                Screen::Simulations
            }
            Nav::SimulationAt { id, preset, at } => {
                self.simulations.open_at(&id, &preset, at);
                Screen::Simulations
            }
            Nav::Exercise(id) => {
                self.exercises.open(&id);
                Screen::Exercises
            }
            Nav::Drill(id) => {
                self.drills.open(&id);
                Screen::Drills
            }
            Nav::PostMortem(incident) => {
                self.postmortem.open(&incident);
                Screen::PostMortem
            }
            Nav::Cards(tag) => {
                self.flashcards.open_tag(&tag);
                Screen::Flashcards
            }
        };
        if screen != self.screen {
            self.screen = screen;
            self.shared.store.progress.settings.last_screen = screen.label().to_owned();
            self.shared.save();
        }
    }

    /// Ctrl+1..9 switch screens; Ctrl+K opens the search.
    fn shortcuts(&mut self, ui: &egui::Ui) {
        if ui.input_mut(|i| i.consume_shortcut(&ui::search::SHORTCUT)) {
            self.search.open();
        }
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        let pressed = ui.input(|i| {
            keys.iter()
                .position(|k| i.modifiers.command && i.key_pressed(*k))
        });
        if let Some(index) = pressed {
            self.navigate(Nav::Screen(Screen::ALL[index]));
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        let choice = self.shared.store.progress.settings.theme;
        if self.applied_theme != Some(choice) {
            ctx.set_theme(match choice {
                ThemeChoice::System => egui::ThemePreference::System,
                ThemeChoice::Light => egui::ThemePreference::Light,
                ThemeChoice::Dark => egui::ThemePreference::Dark,
            });
            self.applied_theme = Some(choice);
        }
    }

    /// Keeps zoom and window size in progress (saved on exit and with other changes).
    fn remember_view(&mut self, ctx: &egui::Context) {
        let settings = &mut self.shared.store.progress.settings;
        settings.zoom = ctx.zoom_factor();
        if let Some(rect) = ctx.input(|i| i.viewport().inner_rect) {
            settings.window_size = Some([rect.width(), rect.height()]);
        }
    }

    fn reload_content_if_changed(&mut self) {
        let Some((_, changes)) = &self.content_changes else {
            return;
        };
        if changes.try_iter().count() > 0 {
            self.shared.library = content::load_library(&self.shared.content);
            let drills;
            (self.shared.deck, self.shared.catalog, drills) =
                load_practice(&self.shared.content, &self.shared.library);
            self.shared.drills = Arc::new(drills);
            self.flashcards.reload();
            tracing::info!(
                packs = self.shared.library.packs.len(),
                problems = self.shared.library.problems.len(),
                "content reloaded"
            );
        }
    }
}

/// The flashcard decks (with the drills' cards), the exercises and the drills; their
/// problems are logged here and reported with file, line and column by `workbook
/// validate`, and the valid ones still load.
fn load_practice(content: &ContentSource, library: &Library) -> (Deck, Catalog, Drills) {
    let (deck, drills) = drill::cards::load_deck(content, library);
    for problem in &deck.problems {
        tracing::warn!(%problem, "card problem");
    }
    for problem in &drills.problems {
        tracing::warn!(%problem, "drill problem");
    }
    (deck, load_catalog(content, None), drills)
}

/// Watches the content folder and wakes the UI when anything in it changes.
fn watch(
    root: &std::path::Path,
    ctx: egui::Context,
) -> Option<(notify::RecommendedWatcher, mpsc::Receiver<()>)> {
    use notify::Watcher as _;
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = tx.send(());
            ctx.request_repaint();
        }
    })
    .map_err(|e| tracing::warn!(error = %e, "cannot watch content for changes"))
    .ok()?;
    watcher
        .watch(root, notify::RecursiveMode::Recursive)
        .map_err(|e| tracing::warn!(error = %e, "cannot watch content for changes"))
        .ok()?;
    Some((watcher, rx))
}

impl eframe::App for WorkbookApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.shared.save();
    }
}

/// The app, measuring its own start: eframe paints a frame after `ui` returns, so when
/// the second frame begins the first one is on the screen.
struct StartupReport {
    app: WorkbookApp,
    started: std::time::Instant,
    frames: u32,
}

impl eframe::App for StartupReport {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.frames += 1;
        if self.frames == 2 {
            println!(
                "first frame painted after {} ms; resident memory {}",
                self.started.elapsed().as_millis(),
                resident_memory().unwrap_or_else(|| "unknown".to_owned())
            );
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.app.ui(ui, frame);
        ui.ctx().request_repaint();
    }
}

/// `VmRSS` from `/proc/self/status` (Linux), as "123 MiB".
fn resident_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{} MiB", kib / 1024))
}

/// Opens the window and runs until it closes.
pub fn run(config: AppConfig) -> Result<()> {
    let (store, quarantined) = Store::open(&config.data_dir)?;
    let size = store
        .progress
        .settings
        .window_size
        .unwrap_or([1280.0, 800.0]);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Resilience Workbook")
            .with_app_id(APP_ID)
            .with_icon(std::sync::Arc::new(
                eframe::icon_data::from_png_bytes(ICON_PNG)
                    .context("the built-in window icon is not a PNG")?,
            ))
            .with_inner_size(size)
            .with_min_inner_size([900.0, 560.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Resilience Workbook",
        options,
        Box::new(move |cc| {
            let app = WorkbookApp::new(&cc.egui_ctx, config.content, store, quarantined)?;
            let app: Box<dyn eframe::App> = match config.startup_report {
                Some(started) => Box::new(StartupReport {
                    app,
                    started,
                    frames: 0,
                }),
                None => Box::new(app),
            };
            Ok(app)
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}

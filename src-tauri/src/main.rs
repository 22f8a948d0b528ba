// Keep a console window from opening alongside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    afc_app::startup::mark_start();
    afc_app::run();
}

//! Rows out as CSV or JSON (a header of column names, then values as text; NULL is an empty
//! field in CSV and null in JSON), and a filtered table exported page by page (keyset, so the
//! last page costs what the first did), with progress and cancel.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::browse::{self, PageRequest};
use super::catalog;
use crate::db::Database;
use crate::jobs::{JobEventSource, JobProgress};
use crate::progress::{Cancel, Progress};
use crate::{AppError, ErrorCode, Result};

/// What a masked value is written as: the secret never reaches the file unless revealed.
pub const HIDDEN: &str = "‹hidden›";

/// Rows per page of an export.
const EXPORT_PAGE: u32 = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// Rows written so far, of the table's estimate.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub estimate: u64,
}

impl JobEventSource for ExportProgress {
    fn line(&self) -> String {
        format!("{} rows written", self.rows)
    }

    fn progress(&self) -> Option<JobProgress> {
        (self.estimate > 0).then(|| JobProgress {
            done: u32::try_from(self.rows.min(self.estimate)).unwrap_or(u32::MAX),
            total: u32::try_from(self.estimate).unwrap_or(u32::MAX),
        })
    }
}

/// An export of the rows `req` selects (its filters and sort; whole values) to `path`.
pub struct Export<'a> {
    pub db: &'a Database,
    pub req: &'a PageRequest,
    pub format: ExportFormat,
    pub path: &'a Path,
    /// The table's row estimate, for progress.
    pub estimate: u64,
}

/// Where rows go: a CSV writer, or a JSON array being written.
enum Sink {
    Csv(Box<CsvWriter<std::io::BufWriter<std::fs::File>>>),
    Json {
        out: std::io::BufWriter<std::fs::File>,
        first: bool,
    },
}

impl Export<'_> {
    /// Writes the rows page by page; the count written. A failed or cancelled export removes its
    /// partial file.
    pub async fn run(&self, progress: &Progress<ExportProgress>, cancel: &Cancel) -> Result<u64> {
        let result = self.write_pages(progress, cancel).await;
        if result.is_err() {
            let _ = std::fs::remove_file(self.path);
        }
        result
    }

    async fn write_pages(
        &self,
        progress: &Progress<ExportProgress>,
        cancel: &Cancel,
    ) -> Result<u64> {
        let Export {
            db,
            req,
            format,
            path,
            estimate,
        } = *self;
        let io = |e: std::io::Error| AppError::io("write", path, &e);
        let mut req = req.clone();
        req.limit = EXPORT_PAGE;
        req.full = true;
        req.after = None;
        let mut rows = 0u64;
        let mut sink: Option<Sink> = None;
        // One connection and one reading of the table's shape for every page.
        let mut conn = db.read().await?;
        let shape = catalog::shape(&mut conn, &req.table).await?;
        loop {
            if cancel.is_cancelled() {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "The export was cancelled; the partial file was removed",
                ));
            }
            let page = browse::page_of(&mut conn, &req, &shape).await?;
            let header: Vec<String> = page.columns.iter().map(|c| c.name.clone()).collect();
            let sink = match &mut sink {
                Some(s) => s,
                None => {
                    let file = std::fs::File::create(path)
                        .map_err(|e| AppError::io("create", path, &e))?;
                    let out = std::io::BufWriter::new(file);
                    sink.insert(match format {
                        ExportFormat::Csv => Sink::Csv(Box::new(CsvWriter::new(out, &header)?)),
                        ExportFormat::Json => Sink::Json { out, first: true },
                    })
                }
            };
            for r in &page.rows {
                let cells: Vec<Option<String>> = r
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if r.masked.contains(&(i as u32)) {
                            Some(HIDDEN.to_owned())
                        } else {
                            c.clone()
                        }
                    })
                    .collect();
                match sink {
                    Sink::Csv(w) => w.row(&cells)?,
                    Sink::Json { out, first } => {
                        out.write_all(if *first { b"[\n" } else { b",\n" })
                            .map_err(io)?;
                        *first = false;
                        serde_json::to_writer(&mut *out, &json_row(&header, &cells)).map_err(
                            |e| {
                                AppError::internal("Could not write the JSON")
                                    .with_details(e.to_string())
                            },
                        )?;
                    }
                }
                rows += 1;
            }
            progress.emit(ExportProgress { rows, estimate });
            match page.next {
                Some(next) => req.after = Some(next),
                None => break,
            }
        }
        match sink {
            Some(Sink::Csv(w)) => w.finish()?,
            Some(Sink::Json { mut out, first }) => {
                out.write_all(if first { b"[]\n" as &[u8] } else { b"\n]\n" })
                    .map_err(io)?;
                out.flush().map_err(io)?;
            }
            None => {}
        }
        Ok(rows)
    }
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::internal("Could not write the CSV").with_details(e.to_string())
}

/// Writes CSV records to `out`, the header first.
pub struct CsvWriter<W: Write>(csv::Writer<W>);

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W, header: &[String]) -> Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(header).map_err(csv_error)?;
        Ok(Self(w))
    }

    pub fn row(&mut self, cells: &[Option<String>]) -> Result<()> {
        self.0
            .write_record(cells.iter().map(|c| c.as_deref().unwrap_or("")))
            .map_err(csv_error)
    }

    pub fn finish(mut self) -> Result<()> {
        self.0
            .flush()
            .map_err(|e| AppError::internal("Could not write the CSV").with_details(e.to_string()))
    }
}

/// One row as a JSON object (column → text or null).
pub fn json_row(header: &[String], cells: &[Option<String>]) -> serde_json::Value {
    serde_json::Value::Object(
        header
            .iter()
            .zip(cells)
            .map(|(h, c)| {
                (
                    h.clone(),
                    c.clone()
                        .map_or(serde_json::Value::Null, serde_json::Value::String),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_null_is_empty() {
        let mut buf = Vec::new();
        let mut w = CsvWriter::new(&mut buf, &["a".into(), "b, c".into()]).unwrap();
        w.row(&[Some("x\"y".into()), None]).unwrap();
        w.row(&[Some("line\nbreak".into()), Some(String::new())])
            .unwrap();
        w.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "a,\"b, c\"\n\"x\"\"y\",\n\"line\nbreak\",\n"
        );
    }
}

//! The agents at scale the benchmarks measure (the library's and the window's): `n` agents in
//! the fixture API's registry and an `n`-row `agents` table, half the ids shared and a tenth of
//! those renamed, so the join has every kind of row.

use serde_json::json;

use crate::fixture_api::FixtureApi;
use crate::postgres::TestDb;

/// Fills the API's registry with `agent-00000` … and the (migrated) table with `agent-` and
/// `row-` ids alternately.
pub fn seed_agents(api: &FixtureApi, db: &TestDb, n: usize) {
    api.add_agents((0..n).map(|i| {
        json!({"id": format!("agent-{i:05}"), "name": format!("Agent {i}"),
            "instructions": "Answer politely.", "model": "gpt-4o", "tools": [],
            "knowledge_packs": [], "config": {"temperature": 0.7}, "metadata": {}})
    }));
    db.sql(&format!(
        "INSERT INTO agents (id, name, instructions, model)
         SELECT CASE WHEN n % 2 = 0 THEN 'agent-' ELSE 'row-' END || lpad(n::text, 5, '0'),
                CASE WHEN n % 10 = 0 THEN 'Renamed ' ELSE 'Agent ' END || n, 'Answer politely.', 'gpt-4o'
         FROM generate_series(0, {}) n",
        n - 1
    ));
}

//! The `endpoint` label is the raw request path (ids included), so its cardinality is unbounded.
//! Paths are grouped by the platform's routes, then by id-looking segments, and beyond a cap the
//! quietest groups fold into "other".

use super::routes::ROUTES;

pub const OTHER: &str = "other";

/// The route a path belongs to: `/api/v1/agents/a-42/run` → `/api/v1/agents/{agent_id}/run`.
pub fn group(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    if ROUTES.contains(&path) {
        return path.to_owned();
    }
    let segments: Vec<&str> = path.split('/').collect();
    let matches = |route: &&str| {
        let parts: Vec<&str> = route.split('/').collect();
        parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && p.ends_with('}') && !s.is_empty()))
    };
    if let Some(route) = ROUTES.iter().find(|r| matches(r)) {
        return (*route).to_owned();
    }
    segments
        .iter()
        .map(|s| if looks_like_id(s) { "{id}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Digits, UUIDs, and long hex or mixed letter-digit tokens.
fn looks_like_id(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let hexish = s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    (!s.is_empty() && digits == s.len())
        || (s.len() >= 8 && hexish && digits > 0)
        || (s.len() >= 16
            && digits > 0
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Keeps the `cap` busiest groups (by `weight`) and folds the rest into [`OTHER`].
pub fn cap<T>(
    mut groups: Vec<(String, T)>,
    cap: usize,
    weight: impl Fn(&T) -> f64,
    merge: impl Fn(&mut T, T),
) -> Vec<(String, T)> {
    if groups.len() <= cap {
        return groups;
    }
    groups.sort_by(|a, b| weight(&b.1).total_cmp(&weight(&a.1)));
    let rest = groups.split_off(cap.saturating_sub(1));
    let mut folded: Option<T> = None;
    for (_, v) in rest {
        match &mut folded {
            Some(f) => merge(f, v),
            None => folded = Some(v),
        }
    }
    if let Some(f) = folded {
        groups.push((OTHER.to_owned(), f));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_route_then_by_id_shape() {
        assert_eq!(group("/api/v1/agents/"), "/api/v1/agents/");
        assert_eq!(group("/api/v1/agents/nope"), "/api/v1/agents/{agent_id}");
        assert_eq!(
            group("/api/v1/agents/demo-assistant/run"),
            "/api/v1/agents/{agent_id}/run"
        );
        assert_eq!(group("/health?verbose=1"), "/health");
        assert_eq!(
            group("/custom/123/items/3f2a9c1e-0000-4000-8000-000000000000"),
            "/custom/{id}/items/{id}"
        );
        assert_eq!(group("/custom/readme"), "/custom/readme");
    }

    #[test]
    fn folds_the_quietest_groups_into_other() {
        let groups: Vec<(String, f64)> =
            (0..10).map(|i| (format!("/p{i}"), f64::from(i))).collect();
        let capped = cap(groups, 4, |v| *v, |a, b| *a += b);
        let names: Vec<&str> = capped.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["/p9", "/p8", "/p7", "other"]);
        assert_eq!(capped[3].1, (0..=6).sum::<i32>() as f64);
    }
}

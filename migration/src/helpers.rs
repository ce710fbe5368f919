//! The builders every migration shares: one naming rule for indexes and foreign keys, so that
//! a name tells what it covers (`ix_event_event_type_id`, `uq_plan_code`, `fk_action_plan_id`).
//!
//! Migrations already applied keep the names they created: these helpers produce exactly those.

use sea_orm_migration::prelude::*;

/// A table or column name.
pub(crate) fn n(name: &str) -> Alias {
    Alias::new(name)
}

/// An index on `table`'s `cols`, named `ix_{table}_{cols}` (`uq_…` when `unique`), created
/// only if missing.
pub(crate) fn index(table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let prefix = if unique { "uq" } else { "ix" };
    named_index(
        &format!("{prefix}_{table}_{}", cols.join("_")),
        table,
        cols,
        unique,
    )
}

/// An index as [`index`] makes it, under `name` (for an index named before the rule held).
pub(crate) fn named_index(
    name: &str,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(n(table)).if_not_exists();
    if unique {
        idx.unique();
    }
    for c in cols {
        idx.col(n(c));
    }
    idx.to_owned()
}

/// `table.col` → `target.id`, named `fk_{table}_{col}`, deleted with its target.
pub(crate) fn fk(table: &str, col: &str, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(n(table), n(col))
        .to(n(target), n("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

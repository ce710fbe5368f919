//! The plan's content: every table the seed loads, and the folded search table.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates the plan content tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// A column's type, in the few shapes the content tables need.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    StrNull,
    Text,
    Int,
    IntNull,
    Bool,
    Date,
    Timestamp,
    /// Localized text or a list, stored as JSON.
    Json,
    JsonNull,
}

/// One table: its name, its columns, its foreign keys (column → table) and unique keys.
struct Spec {
    name: &'static str,
    cols: &'static [(&'static str, Ty)],
    fks: &'static [(&'static str, &'static str)],
    uniques: &'static [&'static [&'static str]],
    indexes: &'static [&'static [&'static str]],
}

use Ty::*;

use crate::helpers::{fk, index};

const PLAN_COLS: &[(&str, Ty)] = &[("plan_id", Int), ("code", Str), ("position", Int)];

/// The tables, parents before children.
const TABLES: &[Spec] = &[
    Spec {
        name: "plan",
        cols: &[
            ("code", Str),
            ("current", Bool),
            ("title", Json),
            ("short_title", Json),
            ("start_year", Int),
            ("end_year", Int),
            ("approved_on", Date),
            ("approved_by", Json),
            ("approval_statement", Json),
            ("published", Str),
            ("published_place", Str),
            ("legal_deposit", Str),
            ("copyright", Str),
            ("publication_languages", Json),
            ("publication_note", Json),
            ("general_objective", Json),
            ("credits", Json),
        ],
        fks: &[],
        uniques: &[&["code"]],
        indexes: &[],
    },
    Spec {
        name: "organization",
        cols: &[
            ("code", Str),
            ("position", Int),
            ("kind", Str),
            ("name", Json),
            ("acronym", StrNull),
            ("acronym_i18n", JsonNull),
            ("parent_id", IntNull),
            ("aliases", Json),
            ("ine_code", StrNull),
            ("ine_control_digit", StrNull),
            ("comarca", StrNull),
        ],
        fks: &[("parent_id", "organization")],
        uniques: &[&["code"]],
        indexes: &[&["kind"]],
    },
    Spec {
        name: "section",
        cols: &[
            ("numeral", Str),
            ("title", Json),
            ("body", Json),
            ("signature", JsonNull),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "key_figure",
        cols: &[
            ("label", Json),
            ("value", Str),
            ("unit", Str),
            ("comparator", Str),
            ("year", IntNull),
            ("section_code", Str),
            ("sentence", Json),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "swot_item",
        cols: &[("kind", Str), ("text", Json)],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "specific_objective",
        cols: &[("text", Json)],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "theme",
        cols: &[
            ("category", Str),
            ("title", Json),
            ("subtopics", Json),
            ("summary_label", JsonNull),
            ("description", JsonNull),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "strategic_line",
        cols: &[("title", Json), ("description", Json)],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "line_scope",
        cols: &[("line_id", Int), ("title", Json), ("description", Json)],
        fks: &[("line_id", "strategic_line")],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "action",
        cols: &[
            ("line_id", Int),
            ("scope_id", IntNull),
            ("title", Json),
            ("responsible_text", Json),
            ("involved_text", Json),
        ],
        fks: &[("line_id", "strategic_line"), ("scope_id", "line_scope")],
        uniques: &[],
        indexes: &[&["line_id"]],
    },
    Spec {
        name: "expected_result",
        cols: &[("line_id", Int), ("text", Json)],
        fks: &[("line_id", "strategic_line")],
        uniques: &[],
        indexes: &[&["line_id"]],
    },
    Spec {
        name: "geographic_zone",
        cols: &[
            ("name", Json),
            ("description", Json),
            ("partners_statement", Json),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "zone_partner",
        cols: &[("zone_id", Int), ("name", Json), ("relation", Str)],
        fks: &[("zone_id", "geographic_zone")],
        uniques: &[],
        indexes: &[&["zone_id"]],
    },
    Spec {
        name: "form_of_intervention",
        cols: &[("letter", Str), ("title", Json), ("description", Json)],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "governance_item",
        cols: &[
            ("title", Json),
            ("summary", JsonNull),
            ("description", Json),
            ("organizations", Json),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "monitoring_commitment",
        cols: &[("kind", Str), ("year", IntNull), ("text", Json)],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "participant",
        cols: &[
            ("participant_group", Str),
            ("institution", Json),
            ("name", Str),
            ("job_title", Json),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
    Spec {
        name: "glossary_entry",
        cols: &[
            ("acronym", Str),
            ("acronym_i18n", Json),
            ("meaning", Json),
            ("original", StrNull),
        ],
        fks: &[],
        uniques: &[],
        indexes: &[],
    },
];

/// Tables that hang off another record rather than a plan code.
const CHILD_TABLES: &[Spec] = &[
    Spec {
        name: "action_organization",
        cols: &[
            ("action_id", Int),
            ("organization_id", Int),
            ("role", Str),
            ("position", Int),
        ],
        fks: &[("action_id", "action"), ("organization_id", "organization")],
        uniques: &[&["action_id", "organization_id", "role"]],
        indexes: &[&["organization_id"]],
    },
    Spec {
        name: "zone_line",
        cols: &[
            ("zone_id", Int),
            ("line_id", Int),
            ("position", Int),
            ("text", Json),
        ],
        fks: &[
            ("zone_id", "geographic_zone"),
            ("line_id", "strategic_line"),
        ],
        uniques: &[&["zone_id", "line_id"]],
        indexes: &[&["line_id"]],
    },
    Spec {
        name: "form_contribution",
        cols: &[
            ("form_id", Int),
            ("line_id", Int),
            ("position", Int),
            ("text", Json),
        ],
        fks: &[
            ("form_id", "form_of_intervention"),
            ("line_id", "strategic_line"),
        ],
        uniques: &[&["form_id", "line_id"]],
        indexes: &[&["line_id"]],
    },
    Spec {
        name: "summary_row",
        cols: &[
            ("plan_id", Int),
            ("line_id", Int),
            ("zones_and_institutions", Json),
            ("actor_map", Json),
            ("concrete_actions", Json),
        ],
        fks: &[("plan_id", "plan"), ("line_id", "strategic_line")],
        uniques: &[&["line_id"]],
        indexes: &[],
    },
    Spec {
        name: "search_entry",
        cols: &[
            // NULL for records shared by all plans (organizations).
            ("plan_id", IntNull),
            ("record_type", Str),
            ("record_code", Str),
            ("field", Str),
            ("lang", Str),
            ("position", Int),
            ("text", Text),
            ("folded", Text),
        ],
        fks: &[("plan_id", "plan")],
        uniques: &[],
        indexes: &[&["plan_id", "lang"]],
    },
    Spec {
        name: "seed_state",
        cols: &[
            ("plan_code", Str),
            ("content_hash", Str),
            ("loaded_at", Timestamp),
        ],
        fks: &[],
        uniques: &[&["plan_code"]],
        indexes: &[],
    },
];

fn column(name: &'static str, ty: Ty) -> ColumnDef {
    let n = Alias::new(name);
    match ty {
        Str => string(n),
        StrNull => string_null(n),
        Text => text(n),
        Int => integer(n),
        IntNull => integer_null(n),
        Bool => boolean(n),
        Date => date(n),
        Timestamp => timestamp_with_time_zone(n),
        Json => json(n),
        JsonNull => json_null(n),
    }
}

/// Every plan-owned table gets `plan_id`, `code` and `position`, unique on `(plan_id, code)`.
fn is_plan_owned(spec: &Spec) -> bool {
    !matches!(spec.name, "plan" | "organization")
}

fn create(spec: &Spec, plan_owned: bool) -> (TableCreateStatement, Vec<IndexCreateStatement>) {
    let table = Alias::new(spec.name);
    let mut stmt = Table::create();
    stmt.table(table.clone())
        .if_not_exists()
        .col(pk_auto(Alias::new("id")));
    let mut fks: Vec<(&str, &str)> = spec.fks.to_vec();
    let mut uniques: Vec<Vec<&str>> = spec.uniques.iter().map(|u| u.to_vec()).collect();
    if plan_owned {
        for (name, ty) in PLAN_COLS {
            stmt.col(column(name, *ty));
        }
        fks.push(("plan_id", "plan"));
        uniques.push(vec!["plan_id", "code"]);
    }
    for (name, ty) in spec.cols {
        stmt.col(column(name, *ty));
    }
    for (col, target) in fks {
        stmt.foreign_key(&mut fk(spec.name, col, target));
    }
    let indexes = uniques
        .iter()
        .map(|cols| index(spec.name, cols, true))
        .chain(
            spec.indexes
                .iter()
                .map(|cols| index(spec.name, cols, false)),
        )
        .collect();
    (stmt.to_owned(), indexes)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let all = TABLES
            .iter()
            .map(|s| (s, is_plan_owned(s)))
            .chain(CHILD_TABLES.iter().map(|s| (s, false)));
        for (spec, plan_owned) in all {
            let (table, indexes) = create(spec, plan_owned);
            manager.create_table(table).await?;
            for idx in indexes {
                manager.create_index(idx).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for spec in CHILD_TABLES.iter().rev().chain(TABLES.iter().rev()) {
            manager
                .drop_table(Table::drop().table(Alias::new(spec.name)).to_owned())
                .await?;
        }
        Ok(())
    }
}

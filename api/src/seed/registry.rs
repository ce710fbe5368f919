//! The organizations shared by every plan (the registry) and the municipalities.

use std::collections::HashMap;

use entity::{I18n, StringList, organization};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
};

use super::{data, i18n, upsert};

/// Code → id of every organization, after loading the registry and the municipalities.
pub(super) async fn load_organizations(
    txn: &DatabaseTransaction,
    ds: &data::Dataset,
) -> Result<HashMap<String, i32>, DbErr> {
    let mut ids = HashMap::new();
    let mut position = 0;
    for o in &ds.organizations {
        position += 1;
        let id = upsert::<organization::Entity>(
            txn,
            organization::ActiveModel {
                id: NotSet,
                code: Set(o.code.clone()),
                position: Set(position),
                kind: Set(o.kind.clone()),
                name: Set(i18n(&o.name)),
                acronym: Set(o.acronym.as_ref().and_then(|a| a.get("es").cloned())),
                acronym_i18n: Set(o.acronym.as_ref().map(i18n)),
                parent_id: Set(None),
                aliases: Set(StringList(o.aliases.clone())),
                ine_code: Set(None),
                ine_control_digit: Set(None),
                comarca: Set(None),
            },
            &[organization::Column::Code],
        )
        .await?;
        ids.insert(o.code.clone(), id);
    }
    for m in &ds.municipalities {
        position += 1;
        // Official names are the same in every language.
        let name = I18n(
            crate::i18n::Lang::ALL
                .iter()
                .map(|l| (l.code().to_owned(), m.name.clone()))
                .collect(),
        );
        let id = upsert::<organization::Entity>(
            txn,
            organization::ActiveModel {
                id: NotSet,
                code: Set(m.ine_code.clone()),
                position: Set(position),
                kind: Set("MUNICIPALITY".to_owned()),
                name: Set(name),
                acronym: Set(None),
                acronym_i18n: Set(None),
                parent_id: Set(None),
                aliases: Set(StringList::default()),
                ine_code: Set(Some(m.ine_code.clone())),
                ine_control_digit: Set(Some(m.control_digit.clone())),
                comarca: Set(Some(m.comarca.clone())),
            },
            &[organization::Column::Code],
        )
        .await?;
        ids.insert(m.ine_code.clone(), id);
    }
    // Parents once every code has an id; the 36 municipalities belong to the group of
    // metropolitan municipalities the plan names as actors.
    let parent_of = ds
        .organizations
        .iter()
        .filter_map(|o| o.parent.as_deref().map(|p| (o.code.as_str(), p)))
        .chain(
            ds.municipalities
                .iter()
                .map(|m| (m.ine_code.as_str(), MUNICIPALITIES_GROUP)),
        );
    for (code, parent) in parent_of {
        let (Some(id), Some(parent_id)) = (ids.get(code), ids.get(parent)) else {
            continue;
        };
        organization::Entity::update_many()
            .col_expr(
                organization::Column::ParentId,
                sea_orm::sea_query::Expr::value(*parent_id),
            )
            .filter(organization::Column::Id.eq(*id))
            .exec(txn)
            .await?;
    }
    organization::Entity::delete_many()
        .filter(organization::Column::Code.is_not_in(ids.keys().cloned()))
        .exec(txn)
        .await?;
    Ok(ids)
}

/// The group organization whose members are the 36 municipalities.
const MUNICIPALITIES_GROUP: &str = "MUNICIPALITIES";

//! Configuration: defaults < file < environment, and validation that names the setting.

/// No environment variables: these tests never read the developer's own `PLAN_API_*`.
fn no_env() -> Vec<(String, String)> {
    Vec::new()
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn the_environment_layer_overrides_the_file_and_names_the_setting() {
    use plan_api::Config;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("plan-api.toml");
    std::fs::write(&file, "max_page_size = 50\nmax_depth = 12\n").expect("write");
    let config = Config::load_from(
        Some(&file),
        vars(&[
            ("PLAN_API_MAX_PAGE_SIZE", "7"),
            ("DATABASE_URL", "sqlite::memory:"),
            ("PLAN_API_INTROSPECTION", "false"),
            // Not settings: the file's path, the tests' database and unrelated variables.
            ("PLAN_API_CONFIG", "/nowhere.toml"),
            ("PLAN_API_TEST_DATABASE_URL", "postgres://elsewhere"),
            ("HOME", "/home/someone"),
        ]),
    )
    .expect("loads");
    assert_eq!(
        config.max_page_size, 7,
        "the environment wins over the file"
    );
    assert_eq!(config.max_depth, 12, "the file wins over the defaults");
    assert_eq!(config.database_url, "sqlite::memory:");
    assert!(!config.introspection);

    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_MAX_PAGE_SIZE", "many")])).expect_err("refused")
    );
    assert!(err.contains("max_page_size"), "{err}");
    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_MAX_PAGE_SIZE", "0")])).expect_err("refused")
    );
    assert!(
        err.contains("PLAN_API_MAX_PAGE_SIZE must be between 1 and 1000"),
        "{err}"
    );
    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_MAX_PAGE_SIZE", "5000")])).expect_err("refused")
    );
    assert!(
        err.contains("PLAN_API_MAX_PAGE_SIZE must be between 1 and 1000"),
        "{err}"
    );
    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_NO_SUCH_SETTING", "1")])).expect_err("refused")
    );
    assert!(err.contains("no_such_setting"), "{err}");
}

#[test]
fn configuration_layers_and_validation_name_the_setting() {
    use plan_api::Config;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("plan-api.toml");
    std::fs::write(
        &file,
        "max_page_size = 50\nlisten = \"0.0.0.0:9000\"\ncors_origins = \"https://www.amb.cat\"\n",
    )
    .expect("write");
    let config = Config::load_from(Some(&file), no_env()).expect("loads");
    assert_eq!(config.max_page_size, 50);
    assert_eq!(config.listen.port(), 9000);
    assert_eq!(
        config.cors(),
        Ok(plan_api::config::Cors::Origins(vec![
            "https://www.amb.cat".to_owned()
        ]))
    );
    assert_eq!(config.max_depth, 10, "defaults fill the rest");

    std::fs::write(&file, "max_page_size = \"many\"\n").expect("write");
    let err = format!(
        "{:#}",
        Config::load_from(Some(&file), no_env()).expect_err("refused")
    );
    assert!(err.contains("max_page_size"), "{err}");
    std::fs::write(&file, "no_such_setting = 1\n").expect("write");
    let err = format!(
        "{:#}",
        Config::load_from(Some(&file), no_env()).expect_err("refused")
    );
    assert!(err.contains("no_such_setting"), "{err}");
    let err = format!(
        "{:#}",
        Config::load_from(Some(&dir.path().join("missing.toml")), no_env()).expect_err("refused")
    );
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn cors_is_open_unless_the_operator_restricts_or_turns_it_off() {
    use plan_api::Config;
    use plan_api::config::Cors;
    let load = |value: &str| Config::load_from(None, vars(&[("PLAN_API_CORS_ORIGINS", value)]));
    let unset = Config::load_from(None, no_env()).expect("loads");
    assert_eq!(unset.cors(), Ok(Cors::AnyOrigin));
    assert_eq!(load("none").expect("loads").cors(), Ok(Cors::Off));
    assert_eq!(
        load("https://www.elprat.cat,https://www.l-h.cat")
            .expect("loads")
            .cors(),
        Ok(Cors::Origins(vec![
            "https://www.elprat.cat".to_owned(),
            "https://www.l-h.cat".to_owned()
        ]))
    );
    // A portal's page address is not its origin: the start stops and says what to write.
    let err = format!("{:#}", load("https://www.l-h.cat/").expect_err("refused"));
    assert_eq!(
        err,
        "PLAN_API_CORS_ORIGINS: write \"https://www.l-h.cat/\" as browsers send it, \
         \"https://www.l-h.cat\" (scheme, host and port only)"
    );
    let err = format!("{:#}", load("").expect_err("refused"));
    assert!(err.starts_with("PLAN_API_CORS_ORIGINS is empty"), "{err}");
}

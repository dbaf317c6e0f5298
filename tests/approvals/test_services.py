def test_the_written_out_receivers_query_names_the_models_tables_and_columns():
    """services._RECEIVERS_SQL is plain SQL (every decision runs it): it must name what the
    models (and their migrations) make."""
    from approvals import services
    from approvals.models import ApprovalItem, Licence
    from organizations.models import Department

    through = ApprovalItem.supervision_departments.through._meta
    names = [
        Licence._meta.db_table,
        Licence._meta.get_field("department").column,
        Licence._meta.get_field("licence_no").column,
        Department._meta.db_table,
        Department._meta.get_field("active").column,
        Department._meta.get_field("code").column,
        through.db_table,
        through.get_field("department").column,
        through.get_field("approvalitem").column,
    ]
    for name in names:
        assert f'"{name}"' in services._RECEIVERS_SQL, name

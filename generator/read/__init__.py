"""Reading a year: YAML loaded safely, validated by schema, kept with its line map."""

"""What mentors do: author entries, review attempts, reports, export and import."""

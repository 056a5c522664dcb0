"""Danish text in and out: formatting (Babel), the strict number parser, typed form fields, literal text, JSON input."""

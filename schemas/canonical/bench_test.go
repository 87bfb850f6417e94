package canonical_test

import "testing"

// BenchmarkValidate measures validating each document schema's first example
// (the work of a validate step once the schema is compiled).
func BenchmarkValidate(b *testing.B) {
	files, compiler := loadSchemas(b)
	for _, f := range files {
		examples, ok := f.doc["examples"].([]any)
		if !ok {
			continue
		}
		schema, err := compiler.Compile(f.id())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if err := schema.Validate(examples[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package harbor

//go:generate go run ./internal/opsgen -spec ../../shared/harbor-api/harbor-v2.0-swagger.yaml -json ../testdata/harbor-api/harbor-v2.0-swagger.json

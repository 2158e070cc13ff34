// Package rbacgen reads Vietnam's administrative units (General
// Statistics Office codes) and the 2025 reorganisation from CSV, applies the
// reorganisation to an rbac.Service with its unit operations, and generates
// national-scale datasets for benchmarks. Test and tooling code; the
// reorganisation driver is also what an operator would run once.
package rbacgen

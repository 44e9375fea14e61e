# The commands the README shows. Each target is one script under scripts/.
.PHONY: demo test lint

demo: ## The main job on the bundled sample data
	./scripts/demo.sh

test: ## Every test: Rust, Python, C
	./scripts/test.sh

lint: ## What must be clean before a commit
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

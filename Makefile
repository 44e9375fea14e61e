# The commands the README shows. Each target is one script under scripts/.
.PHONY: demo test lint

demo: ## The main job on the bundled sample data
	./scripts/demo.sh

test: ## Every test: Rust, Python, C
	./scripts/test.sh

lint: ## What must be clean before a commit
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
	# The C library and the command share the name `supportkpi` with the core, so rustdoc
	# documents the core and the Python crate; the C API's documentation is its header, the
	# command's its --help.
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked -p supportkpi -p supportkpi-python

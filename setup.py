"""Build the optional C core of the word model; everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "tachtu.model._core",
            sources=[
                "src/tachtu/model/_core.c",
                "src/tachtu/model/_json.c",
                "src/tachtu/model/_spelling.c",
            ],
            depends=["src/tachtu/model/_json.h", "src/tachtu/model/_spelling.h"],
            extra_compile_args=["-O3"],
            # Without a compiler the package still installs and runs the pure-Python twin.
            optional=True,
        )
    ]
)

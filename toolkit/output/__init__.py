"""What a bundle becomes on disk: the build's files, SVG layouts, JUnit reports."""

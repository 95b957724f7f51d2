# Exercises: filled in below

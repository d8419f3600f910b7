"""The limit definition, done (the lab's tests' correct learner)."""


def numeric_derivative(f, x, h=1e-6):
    return (f(x + h) - f(x)) / h

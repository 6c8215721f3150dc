"""Printing of staged programs whose equations carry sub-programs (branches, loop bodies)."""
import fluxion as fx
import fluxion.numpy as fnp


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _line(text: str, needle: str) -> str:
    (hit,) = [line for line in text.splitlines() if needle in line]
    return hit


def _cond_in_while(x):
    def body(c):
        i, y = c
        return i + 1, fx.cond(fnp.sum(y) > 1.0, lambda y: fnp.sin(y) * 2.0, lambda y: fnp.exp(y), y)
    return fx.while_loop(lambda c: c[0] < 3, body, (0, x))[1]


def test_branches_of_a_cond_inside_a_while_print_deeper_than_the_loop_body():
    text = str(fx.make_program(_cond_in_while)(fnp.ones(3)))
    top, body, branch = _line(text, "= while["), _line(text, "= cond["), _line(text, "= sin ")
    assert _indent(top) < _indent(body) < _indent(branch)
    # each branch opens on its own line, deeper than the cond equation, and the other branch beside it
    opening = [line for line in text.splitlines() if line.lstrip().startswith("{ lambda")]
    assert len(opening) == 5  # the program, the loop's cond and body, two branches
    branch_openings = [line for line in opening if _indent(line) > _indent(body)]
    assert len(branch_openings) == 2 and _indent(branch_openings[0]) == _indent(branch_openings[1])
    assert _indent(_line(text, "= exp ")) == _indent(branch)


def test_a_sub_program_prints_its_equations_under_its_own_header():
    text = str(fx.make_program(lambda x: fx.scan(lambda c, x: (c + x, c * x), 0.0, x))(fnp.ones(3)))
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if "= scan[" in line) + 1
    assert lines[header].lstrip().startswith("{ lambda")
    assert _indent(lines[header + 1]) == _indent(lines[header]) + 4 and "= add " in lines[header + 1]
    assert lines[header + 3].lstrip().startswith("in (")


def test_names_stay_distinct_across_nested_programs():
    text = str(fx.make_program(_cond_in_while)(fnp.ones(3)))
    bound = [line.split("=")[0].split() for line in text.splitlines() if " = " in line]
    names = [v.split(":")[0] for outs in bound for v in outs]
    assert len(names) == len(set(names))

# Graphviz DOT text of a Value's graph, drawn as in the micrograd lecture.

# region: to_dot

"""
    to_dot(root::Value) -> String

One record per Value (label | data | grad), one small node per op, left to right.
"""
function to_dot(root::Value)
    topo = _topological_order(root)
    ids = IdDict{Value,String}()
    for (i, v) in enumerate(topo)
        ids[v] = "n$(i - 1)"
    end
    lines = String["digraph {", "  rankdir=LR;", "  node [shape=record, fontname=\"monospace\"];"]
    for v in topo
        label = "$(_escape(v.label)) | data $(_fixed4(v.data)) | grad $(_fixed4(v.grad))"
        push!(lines, "  $(ids[v]) [label=\"{ $label }\"];")
        if !isempty(v._op)
            push!(lines, "  $(ids[v])_op [label=\"$(_escape(v._op))\", shape=ellipse];")
            push!(lines, "  $(ids[v])_op -> $(ids[v]);")
            for p in v._prev
                push!(lines, "  $(ids[p]) -> $(ids[v])_op;")
            end
        end
    end
    push!(lines, "}")
    return join(lines, "\n") * "\n"
end

# endregion

# Escape the characters that mean something inside a DOT record label.
function _escape(text::AbstractString)
    out = String(text)
    for ch in ('\\', '"', '{', '}', '|', '<', '>')
        out = replace(out, ch => string('\\', ch))
    end
    return out
end

# x with four decimals, as Python's f"{x:.4f}" prints it (Printf is a stdlib
# dependency, so the rounding is done here, exactly, with BigFloat and BigInt).
function _fixed4(x::Float64)
    isnan(x) && return "nan"
    isinf(x) && return x > 0 ? "inf" : "-inf"
    n = round(BigInt, big(x) * 10000)  # ties to even, on the exact binary value
    q, r = divrem(abs(n), 10000)
    sign = signbit(x) ? "-" : ""
    return string(sign, q, ".", lpad(string(r), 4, '0'))
end

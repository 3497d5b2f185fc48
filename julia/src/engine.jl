# A scalar Value that remembers how it was made, and backpropagates through it.
#
# Each op computes its forward value and, right beside it, its local derivative
# with respect to each parent. backward!() multiplies those by the upstream grad.
# Storing numbers instead of micrograd's `_backward` closures keeps every node a
# plain record of concrete fields: nothing to compile per node, nothing hidden.

# region: Value

"""
    Value(data; label="")

A scalar in a computation graph: its `data`, its `grad`, and where it came from
(`_prev`, the parents in order; `_op`, the op that made it, `""` for a leaf).
"""
mutable struct Value
    data::Float64
    grad::Float64
    _prev::Vector{Value}          # ordered: gradients accumulate in this order
    _op::String
    label::String
    _local_grads::Vector{Float64} # d self / d parent, one per parent
end

# A leaf from any real number (Int, Float64, Bool, Rational, π, ...).
Value(data::Real; label::AbstractString="") =
    Value(Float64(data), 0.0, Value[], "", String(label), Float64[])

# A node made by an op: its value, its parents and their local derivatives.
_node(data::Float64, prev::Vector{Value}, op::String, local_grads::Vector{Float64}) =
    Value(data, 0.0, prev, op, "", local_grads)

# The default show would print the parents, and theirs, all the way down.
Base.show(io::IO, v::Value) = print(io, "Value(data=", v.data, ", grad=", v.grad, ")")

# endregion

# region: add
Base.:+(a::Value, b::Value) = _node(a.data + b.data, Value[a, b], "+", [1.0, 1.0])

# endregion

# region: sub
Base.:-(a::Value, b::Value) = _node(a.data - b.data, Value[a, b], "-", [1.0, -1.0])

# endregion

# region: mul
Base.:*(a::Value, b::Value) = _node(a.data * b.data, Value[a, b], "*", [b.data, a.data])

# endregion

# region: div
function Base.:/(a::Value, b::Value)
    out = a.data / b.data  # IEEE: x/0 is ±Inf, 0/0 is NaN, no exception
    # d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
    return _node(out, Value[a, b], "/", [1.0 / b.data, -out / b.data])
end

# endregion

# region: neg
Base.:-(a::Value) = _node(-a.data, Value[a], "neg", [-1.0])

# endregion

# region: pow
function Base.:^(x::Value, k::Real)
    kf = Float64(k)
    # d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is Inf).
    d = kf == 0.0 ? 0.0 : kf * _pow(x.data, kf - 1.0)
    return _node(_pow(x.data, kf), Value[x], "**$k", [d])
end

# `x^2` and `x^-1` are lowered to literal_pow, whose generic method turns x^-n
# into inv(x)^n; send them to the method above instead (one node, SPEC §2.1).
Base.literal_pow(::typeof(^), x::Value, ::Val{k}) where {k} = x^k

Base.:^(::Value, ::Value) =
    throw(ArgumentError("Value ^ Value is not supported: the exponent must be a plain number (a Real)"))
Base.:^(::Real, ::Value) =
    throw(ArgumentError("number ^ Value is not supported: the exponent must be a plain number (a Real)"))

# endregion

# region: relu
function relu(x::Value)
    v = x.data
    out = (v > 0 || isnan(v)) ? v : 0.0  # NaN passes through
    return _node(out, Value[x], "relu", [v > 0 ? 1.0 : 0.0])
end

# endregion

# region: tanh
function Base.tanh(x::Value)
    t = tanh(x.data)
    return _node(t, Value[x], "tanh", [1.0 - t * t])
end

# endregion

# region: exp
function Base.exp(x::Value)
    e = exp(x.data)  # exp(1000.0) is Inf in Julia, no exception
    return _node(e, Value[x], "exp", [e])
end

# endregion

# region: log
function Base.log(x::Value)
    v = x.data
    return _node(_log(v), Value[x], "log", [1.0 / v])
end

# endregion

# region: sigmoid
function sigmoid(x::Value)
    s = 1.0 / (1.0 + exp(-x.data))
    return _node(s, Value[x], "sigmoid", [s * (1.0 - s)])
end

# endregion

# region: backward
"""
    backward!(root::Value)

This call's gradients of `root` w.r.t. every node; leaves add them to their grads.
"""
function backward!(root::Value)
    topo = _topological_order(root)
    leaves = Value[]
    leaf_grads_before = Float64[]
    for v in topo
        if isempty(v._prev)
            push!(leaves, v)
            push!(leaf_grads_before, v.grad)
        end
    end
    for v in topo
        v.grad = 0.0
    end
    root.grad = 1.0
    for i in length(topo):-1:1
        v = topo[i]
        for j in eachindex(v._prev)
            parent = v._prev[j]
            parent.grad += v._local_grads[j] * v.grad  # chain rule: 0 * Inf stays NaN
        end
    end
    for i in eachindex(leaves)
        leaves[i].grad = leaf_grads_before[i] + leaves[i].grad
    end
    return nothing
end

# micrograd's build_topo with an explicit stack: parents before children.
# Each stack entry is a node and the index of the next parent to look at.
function _topological_order(root::Value)
    topo = Value[]
    visited = IdDict{Value,Bool}()
    visited[root] = true
    nodes = Value[root]
    next_parent = Int[1]
    while !isempty(nodes)
        node = nodes[end]
        i = next_parent[end]
        descended = false
        while i <= length(node._prev)
            parent = node._prev[i]
            i += 1
            if !haskey(visited, parent)
                visited[parent] = true
                next_parent[end] = i
                push!(nodes, parent)
                push!(next_parent, 1)
                descended = true
                break
            end
        end
        if !descended
            pop!(nodes)
            pop!(next_parent)
            push!(topo, node)
        end
    end
    return topo
end

# endregion

# Plain numbers on either side (2 * x, 1 - x, 1 / x) become leaf Values.
Base.:+(a::Value, b::Real) = a + Value(b)
Base.:+(a::Real, b::Value) = Value(a) + b
Base.:-(a::Value, b::Real) = a - Value(b)
Base.:-(a::Real, b::Value) = Value(a) - b
Base.:*(a::Value, b::Real) = a * Value(b)
Base.:*(a::Real, b::Value) = Value(a) * b
Base.:/(a::Value, b::Real) = a / Value(b)
Base.:/(a::Real, b::Value) = Value(a) / b

# IEEE 754 versions of the library functions: Julia throws DomainError where
# IEEE (C99) returns NaN, and the contract (SPEC §2) is IEEE's.

function _pow(x::Float64, k::Float64)
    if x < 0 && isfinite(k) && !isinteger(k)
        # A negative base with a non-integer exponent: C99 pow gives NaN for a
        # finite base, and +Inf (k > 0) or +0 (k < 0) for -Inf.
        return x == -Inf ? (k > 0 ? Inf : 0.0) : NaN
    end
    return x^k  # 0^-1 = Inf, (-0)^-1 = -Inf, overflow ±Inf: Julia agrees with C99
end

function _log(x::Float64)
    (x > 0 || isnan(x)) && return log(x)  # log(Inf) = Inf, log(NaN) = NaN
    return x == 0 ? -Inf : NaN            # Julia throws DomainError for x < 0
end

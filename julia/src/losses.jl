# Losses over N predictions and targets, built from Value ops (SPEC §2.5).
#
# Sums are a left fold from the first term, so every port builds the same graph.
# A prediction is one Value (K = 1) or a vector of K Values; a target is one
# number or a vector of K numbers.

# region: mse_loss
"""Mean squared error: Σ (y - t)² / (N·K)."""
function mse_loss(predictions, targets)
    errors = _squared_errors(predictions, targets)
    return _fold_sum(errors) / length(errors)
end

# endregion

# region: sse_loss
"""Sum of squared errors, the lecture's loss: Σ (y - t)²."""
sse_loss(predictions, targets) = _fold_sum(_squared_errors(predictions, targets))

# endregion

# region: hinge_loss
"""SVM max-margin loss of micrograd's demo: Σ relu(1 - t·y) / N, targets ±1."""
function hinge_loss(predictions, targets)
    rows = _rows(predictions, targets)
    k = length(rows[1][1])
    k == 1 || throw(DimensionMismatch("hinge_loss takes one output per sample, got $k"))
    margins = Value[relu(1 - y[1] * t[1]) for (y, t) in rows]
    return _fold_sum(margins) / length(margins)
end

# endregion

# region: l2_penalty
"""Σ p², the weight-decay term a loss adds as `l2 * l2_penalty(params)`."""
function l2_penalty(params)
    isempty(params) && return Value(0.0)
    return _fold_sum(Value[p^2 for p in params])
end

# endregion

_squared_errors(predictions, targets) =
    Value[(yk - tk)^2 for (y, t) in _rows(predictions, targets) for (yk, tk) in zip(y, t)]

# Pair each prediction with its target, both as rows of K entries.
function _rows(predictions, targets)
    # A number iterates as itself in Julia: say it is not a list instead of counting it as one.
    predictions isa Union{AbstractVector,Tuple} ||
        throw(TypeError(:loss, "predictions", AbstractVector, predictions))
    targets isa Union{AbstractVector,Tuple} ||
        throw(TypeError(:loss, "targets", AbstractVector, targets))
    length(predictions) == length(targets) || throw(DimensionMismatch(
        "got $(length(predictions)) predictions but $(length(targets)) targets"))
    isempty(predictions) && throw(ArgumentError("a loss needs at least one prediction, got 0"))
    rows = Tuple{Vector{Value},Vector{Float64}}[]
    for (n, (y, t)) in enumerate(zip(predictions, targets))
        y_row = y isa Value ? Value[y] : Value[yk for yk in y]
        # A String iterates Chars, which convert to numbers: say it is not a target instead.
        t isa Union{Real,AbstractVector,Tuple} ||
            throw(TypeError(:loss, "targets", Union{Real,AbstractVector}, t))
        t_row = t isa Real ? Float64[_target(t)] : Float64[_target(tk) for tk in t]
        length(y_row) == length(t_row) || throw(DimensionMismatch(
            "sample $n: prediction has $(length(y_row)) outputs but target has $(length(t_row))"))
        push!(rows, (y_row, t_row))
    end
    return rows
end

# A target is a number; a Bool is a Real in Julia, but not a number here (SPEC §2.1).
_target(t::Real) = t
_target(t::Bool) = _not_a_bool(:loss, "targets", t)
_target(t) = throw(TypeError(:loss, "targets", Real, t))

function _fold_sum(terms::Vector{Value})
    total = terms[1]
    for i in 2:length(terms)
        total = total + terms[i]
    end
    return total
end

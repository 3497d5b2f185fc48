# JSON for the conformance adapter and the bench runner, in Base Julia only: no
# registry, no Pkg. It reads and writes the project's case and result files.
#
#     include("json.jl")                        # defines the module CaseJSON
#     doc = CaseJSON.parse(read(path, String))  # objects keep their key order
#     print(CaseJSON.json(doc))                 # compact, shortest round-trip floats
#
# Reading: an object is a CaseJSON.Object (an AbstractDict{String,Any} that keeps
# the file's key order), an array a Vector{Any}, an integer an Int64 (a BigInt
# beyond 64 bits), a number with a fraction or an exponent the nearest Float64
# (Base.parse(Float64, ...) is correctly rounded), true/false a Bool, null
# `nothing`. "nan" and "inf" stay strings: the adapter decides what they mean.
# Malformed input is an ArgumentError naming the byte offset, line and column.

module CaseJSON

# ---------------------------------------------------------------- objects

"""A JSON object: String keys in the order they were read (or inserted)."""
struct Object <: AbstractDict{String,Any}
    keys::Vector{String}
    vals::Vector{Any}
    index::Dict{String,Int}
end

Object() = Object(String[], Any[], Dict{String,Int}())

function Object(pairs)
    obj = Object()
    for (k, v) in pairs
        obj[k] = v
    end
    return obj
end

Base.length(o::Object) = length(o.keys)
Base.haskey(o::Object, k) = haskey(o.index, k)
Base.get(o::Object, k, default) = (i = get(o.index, k, 0); i == 0 ? default : o.vals[i])
Base.getindex(o::Object, k) = (i = get(o.index, k, 0); i == 0 ? throw(KeyError(k)) : o.vals[i])
Base.iterate(o::Object, i::Int=1) = i > length(o.keys) ? nothing : (o.keys[i] => o.vals[i], i + 1)

function Base.setindex!(o::Object, v, k::AbstractString)
    i = get(o.index, k, 0)
    if i == 0
        push!(o.keys, k)
        push!(o.vals, v)
        o.index[k] = length(o.keys)
    else
        o.vals[i] = v
    end
    return o
end

# ---------------------------------------------------------------- reading

const MAX_DEPTH = 512  # nesting, so that a hostile file cannot exhaust the stack

mutable struct Reader
    text::String
    pos::Int  # the byte offset of the next unread byte, 1-based
end

"""An ArgumentError naming where in the text the reader stopped."""
function malformed(r::Reader, what::AbstractString)
    pos = min(r.pos, ncodeunits(r.text) + 1)
    before = SubString(r.text, 1, prevind(r.text, pos))
    line = count(==('\n'), before) + 1
    nl = findlast(==('\n'), before)
    column = length(before) - (nl === nothing ? 0 : length(SubString(before, 1, nl))) + 1
    throw(ArgumentError("malformed JSON at byte $(pos - 1) (line $line, column $column): $what"))
end

atend(r::Reader) = r.pos > ncodeunits(r.text)
peek(r::Reader) = codeunit(r.text, r.pos)  # callers check atend first

function skip_space!(r::Reader)
    while !atend(r) && peek(r) in (UInt8(' '), UInt8('\t'), UInt8('\n'), UInt8('\r'))
        r.pos += 1
    end
end

function expect!(r::Reader, word::String)
    start = r.pos
    for b in codeunits(word)
        (atend(r) || peek(r) != b) && malformed(Reader(r.text, start), "expected $(repr(word))")
        r.pos += 1
    end
end

"""
    CaseJSON.parse(text::AbstractString)

The value of one JSON document (RFC 8259), whitespace allowed around it.
"""
function parse(text::AbstractString)
    r = Reader(String(text), 1)
    if !isvalid(r.text)
        bad = first(i for i in eachindex(r.text) if !isvalid(r.text[i]))
        malformed(Reader(r.text, bad), "invalid UTF-8")
    end
    skip_space!(r)
    value = read_value!(r, 0)
    skip_space!(r)
    atend(r) || malformed(r, "unexpected text after the value")
    return value
end

function read_value!(r::Reader, depth::Int)
    atend(r) && malformed(r, "unexpected end of input, expected a value")
    c = peek(r)
    if c == UInt8('{')
        return read_object!(r, depth + 1)
    elseif c == UInt8('[')
        return read_array!(r, depth + 1)
    elseif c == UInt8('"')
        return read_string!(r)
    elseif c == UInt8('t')
        expect!(r, "true")
        return true
    elseif c == UInt8('f')
        expect!(r, "false")
        return false
    elseif c == UInt8('n')
        expect!(r, "null")
        return nothing
    elseif c == UInt8('-') || UInt8('0') <= c <= UInt8('9')
        return read_number!(r)
    end
    malformed(r, "unexpected character $(repr(r.text[r.pos])), expected a value")
end

function read_object!(r::Reader, depth::Int)
    depth > MAX_DEPTH && malformed(r, "nested deeper than $MAX_DEPTH")
    r.pos += 1  # '{'
    obj = Object()
    skip_space!(r)
    if !atend(r) && peek(r) == UInt8('}')
        r.pos += 1
        return obj
    end
    while true
        skip_space!(r)
        (atend(r) || peek(r) != UInt8('"')) && malformed(r, "expected a string key")
        at = r.pos
        key = read_string!(r)
        haskey(obj, key) && malformed(Reader(r.text, at), "duplicate key $(repr(key))")
        skip_space!(r)
        expect!(r, ":")
        skip_space!(r)
        obj[key] = read_value!(r, depth)
        skip_space!(r)
        atend(r) && malformed(r, "unexpected end of input, expected ',' or '}'")
        c = peek(r)
        r.pos += 1
        c == UInt8('}') && return obj
        c == UInt8(',') || (r.pos -= 1; malformed(r, "expected ',' or '}'"))
    end
end

function read_array!(r::Reader, depth::Int)
    depth > MAX_DEPTH && malformed(r, "nested deeper than $MAX_DEPTH")
    r.pos += 1  # '['
    arr = Any[]
    skip_space!(r)
    if !atend(r) && peek(r) == UInt8(']')
        r.pos += 1
        return arr
    end
    while true
        skip_space!(r)
        push!(arr, read_value!(r, depth))
        skip_space!(r)
        atend(r) && malformed(r, "unexpected end of input, expected ',' or ']'")
        c = peek(r)
        r.pos += 1
        c == UInt8(']') && return arr
        c == UInt8(',') || (r.pos -= 1; malformed(r, "expected ',' or ']'"))
    end
end

isdigit_byte(c::UInt8) = UInt8('0') <= c <= UInt8('9')

function digits!(r::Reader)
    start = r.pos
    while !atend(r) && isdigit_byte(peek(r))
        r.pos += 1
    end
    r.pos == start && malformed(r, "expected a digit")
end

# -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
function read_number!(r::Reader)
    start = r.pos
    !atend(r) && peek(r) == UInt8('-') && (r.pos += 1)
    if !atend(r) && peek(r) == UInt8('0')
        r.pos += 1
        !atend(r) && isdigit_byte(peek(r)) && malformed(r, "a number cannot have a leading zero")
    else
        digits!(r)
    end
    integral = true
    if !atend(r) && peek(r) == UInt8('.')
        r.pos += 1
        digits!(r)
        integral = false
    end
    if !atend(r) && peek(r) in (UInt8('e'), UInt8('E'))
        r.pos += 1
        !atend(r) && peek(r) in (UInt8('+'), UInt8('-')) && (r.pos += 1)
        digits!(r)
        integral = false
    end
    token = SubString(r.text, start, r.pos - 1)
    if integral
        n = tryparse(Int64, token)
        return n === nothing ? Base.parse(BigInt, token) : n
    end
    x = tryparse(Float64, token)  # correctly rounded (C's strtod)
    x === nothing || return x
    # strtod's ERANGE, which Julia reports as a failure: the nearest double is
    # ±Inf (overflow) or ±0 (underflow), as Python's json gives.
    mag = abs(Base.parse(BigFloat, token)) > 1 ? Inf : 0.0
    return startswith(token, "-") ? -mag : mag
end

const ESCAPES = Dict{UInt8,Char}(
    UInt8('"') => '"', UInt8('\\') => '\\', UInt8('/') => '/', UInt8('b') => '\b',
    UInt8('f') => '\f', UInt8('n') => '\n', UInt8('r') => '\r', UInt8('t') => '\t',
)

function read_hex4!(r::Reader)
    ncodeunits(r.text) - r.pos + 1 >= 4 || malformed(r, "expected four hex digits after \\u")
    n = tryparse(UInt16, SubString(r.text, r.pos, r.pos + 3); base=16)
    (n === nothing || !all(i -> codeunit(r.text, i) in codeunits("0123456789abcdefABCDEF"),
                           r.pos:r.pos+3)) && malformed(r, "expected four hex digits after \\u")
    r.pos += 4
    return n
end

function read_string!(r::Reader)
    r.pos += 1  # the opening quote
    out = IOBuffer()
    while true
        atend(r) && malformed(r, "unterminated string")
        c = peek(r)
        if c == UInt8('"')
            r.pos += 1
            return String(take!(out))
        elseif c == UInt8('\\')
            r.pos += 1
            atend(r) && malformed(r, "unterminated string")
            e = peek(r)
            if e == UInt8('u')
                r.pos += 1
                at = r.pos - 2
                u = read_hex4!(r)
                if 0xd800 <= u <= 0xdbff  # a high surrogate: a low one must follow
                    (ncodeunits(r.text) - r.pos >= 1 && codeunit(r.text, r.pos) == UInt8('\\') &&
                     codeunit(r.text, r.pos + 1) == UInt8('u')) ||
                        malformed(Reader(r.text, at), "a high surrogate \\u$(string(u, base=16)) without its low half")
                    r.pos += 2
                    lo = read_hex4!(r)
                    0xdc00 <= lo <= 0xdfff ||
                        malformed(Reader(r.text, at), "a high surrogate \\u$(string(u, base=16)) without its low half")
                    print(out, Char(0x10000 + ((UInt32(u) - 0xd800) << 10) + (UInt32(lo) - 0xdc00)))
                elseif 0xdc00 <= u <= 0xdfff
                    malformed(Reader(r.text, at), "a low surrogate \\u$(string(u, base=16)) without its high half")
                else
                    print(out, Char(u))
                end
            elseif haskey(ESCAPES, e)
                print(out, ESCAPES[e])
                r.pos += 1
            else
                r.pos -= 1
                malformed(r, "invalid escape $(repr(r.text[r.pos:nextind(r.text, r.pos + 1) - 1]))")
            end
        elseif c < 0x20
            malformed(r, "a control character (byte $c) inside a string must be escaped")
        else
            write(out, c)  # bytes of valid UTF-8 pass through
            r.pos += 1
        end
    end
end

# ---------------------------------------------------------------- writing

"""
    CaseJSON.json(x) -> String

Compact JSON text of `x`: dictionaries (String or Symbol keys, in their
iteration order), vectors and tuples, strings, booleans, `nothing`, integers,
and finite floats printed as the shortest text that reads back to the same
Float64. NaN and ±Inf have no JSON form: an ArgumentError (encode them first).
"""
function json(x)
    io = IOBuffer()
    write_json(io, x)
    return String(take!(io))
end

write_json(io::IO, ::Nothing) = print(io, "null")
write_json(io::IO, b::Bool) = print(io, b ? "true" : "false")
write_json(io::IO, n::Integer) = print(io, n)
write_json(io::IO, s::Symbol) = write_json(io, String(s))

function write_json(io::IO, x::AbstractFloat)
    isfinite(x) || throw(ArgumentError("$x has no JSON form: encode NaN and infinities first"))
    print(io, Float64(x))  # Julia prints the shortest digits that read back to x
end

function write_json(io::IO, s::AbstractString)
    print(io, '"')
    for ch in s
        if ch == '"'
            print(io, "\\\"")
        elseif ch == '\\'
            print(io, "\\\\")
        elseif ch == '\n'
            print(io, "\\n")
        elseif ch == '\r'
            print(io, "\\r")
        elseif ch == '\t'
            print(io, "\\t")
        elseif ch < ' ' || ch == '\x7f'
            print(io, "\\u", string(UInt32(ch), base=16, pad=4))
        else
            print(io, ch)
        end
    end
    print(io, '"')
end

function write_json(io::IO, v::Union{AbstractVector,Tuple})
    print(io, '[')
    for (i, x) in enumerate(v)
        i > 1 && print(io, ',')
        write_json(io, x)
    end
    print(io, ']')
end

function write_json(io::IO, d::AbstractDict)
    print(io, '{')
    first = true
    for (k, v) in d
        (k isa AbstractString || k isa Symbol) ||
            throw(ArgumentError("a JSON object key must be a string, got $(repr(k))"))
        first || print(io, ',')
        first = false
        write_json(io, string(k))
        print(io, ':')
        write_json(io, v)
    end
    print(io, '}')
end

write_json(io::IO, x) = throw(ArgumentError("no JSON form for a $(typeof(x))"))

end # module CaseJSON
